/**
 * Users, API tokens and the Spring Security set-up: form login with CSRF for pages, stateless bearer tokens for
 * {@code /api/**}. Every authenticated request carries a {@link dev.vlmr1.studio.web.CurrentUser} principal.
 */
@org.springframework.modulith.ApplicationModule(allowedDependencies = {"web"})
@org.jspecify.annotations.NullMarked
package dev.vlmr1.studio.security;

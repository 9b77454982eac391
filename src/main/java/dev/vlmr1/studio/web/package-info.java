/**
 * Shared web infrastructure: embedded database, error handling (RFC 9457), security, layout.
 */
@org.springframework.modulith.ApplicationModule(allowedDependencies = {})
@org.jspecify.annotations.NullMarked
package dev.vlmr1.studio.web;

package dev.vlmr1.studio.security;

import java.time.Clock;

import jakarta.servlet.DispatcherType;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;
import org.springframework.security.web.authentication.UsernamePasswordAuthenticationFilter;
import org.springframework.security.web.context.RequestAttributeSecurityContextRepository;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter.ReferrerPolicy;

import dev.vlmr1.studio.web.ApiPaths;

/**
 * Two filter chains. {@code /api/**} is stateless and bearer-only: no session, no cookie authentication, no CSRF
 * (a cookie cannot authenticate it, so there is nothing to forge), 401/403 as problem details. Everything else is
 * pages: form login, a session cookie, CSRF tokens on every form and strict security headers.
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

	/** Scripts and styles from this origin only; images also from data:/blob: URLs (canvas exports, previews). */
	static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; "
			+ "style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; object-src 'none'; base-uri 'none'; "
			+ "frame-ancestors 'none'; form-action 'self'";

	@Bean
	static ProductionSecretsGuard productionSecretsGuard(Environment environment) {
		return new ProductionSecretsGuard(environment);
	}

	@Bean
	PasswordEncoder passwordEncoder() {
		return new BCryptPasswordEncoder();
	}

	/** The only authentication provider (form login); bearer tokens are checked by {@link BearerTokenFilter}. */
	@Bean
	CurrentUserAuthenticationProvider currentUserAuthenticationProvider(UserAccountRepository users,
			PasswordEncoder passwordEncoder, LoginThrottle throttle) {
		return new CurrentUserAuthenticationProvider(new StudioUserDetailsService(users), passwordEncoder, throttle);
	}

	@Bean
	@Order(1)
	SecurityFilterChain apiChain(HttpSecurity http, ApiTokens tokens, JsonMapper json) {
		var problems = new ApiProblemResponses(json);
		http.securityMatcher(ApiPaths.PATTERN)
			.csrf(csrf -> csrf.disable())
			.sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
			// the context lives for one request only and is never read from or written to a session
			.securityContext(context -> context.securityContextRepository(new RequestAttributeSecurityContextRepository()))
			.requestCache(cache -> cache.disable())
			.formLogin(form -> form.disable())
			.httpBasic(basic -> basic.disable())
			.logout(logout -> logout.disable())
			.addFilterBefore(new BearerTokenFilter(tokens, problems), AnonymousAuthenticationFilter.class)
			.exceptionHandling(errors -> errors.authenticationEntryPoint(problems).accessDeniedHandler(problems))
			.authorizeHttpRequests(requests -> requests
				.requestMatchers(HttpMethod.GET, ApiPaths.PATTERN).authenticated()
				.requestMatchers(HttpMethod.HEAD, ApiPaths.PATTERN).authenticated()
				.anyRequest().hasAuthority(TokenScope.WRITE.authority()));
		return http.build();
	}

	@Bean
	LoginThrottle loginThrottle() {
		return new LoginThrottle(Clock.systemUTC());
	}

	@Bean
	@Order(2)
	SecurityFilterChain pageChain(HttpSecurity http, LoginThrottle throttle) {
		http.addFilterBefore(new LoginThrottleFilter(throttle), UsernamePasswordAuthenticationFilter.class)
			.authorizeHttpRequests(requests -> requests
			.dispatcherTypeMatchers(DispatcherType.ERROR, DispatcherType.FORWARD).permitAll()
			.requestMatchers("/login", "/error", "/css/**", "/js/**", "/app/**", "/assets/**", "/favicon.ico",
					"/actuator/health")
			.permitAll()
			.anyRequest().authenticated())
			.formLogin(form -> form.loginPage("/login").defaultSuccessUrl("/", false).permitAll())
			.logout(logout -> logout.logoutUrl("/logout")
				.logoutSuccessUrl("/login?logout")
				.invalidateHttpSession(true)
				.clearAuthentication(true)
				.deleteCookies("JSESSIONID"))
			.sessionManagement(session -> session.sessionFixation(fixation -> fixation.changeSessionId()))
			.headers(headers -> headers.contentSecurityPolicy(csp -> csp.policyDirectives(CONTENT_SECURITY_POLICY))
				.frameOptions(frame -> frame.deny())
				.referrerPolicy(referrer -> referrer.policy(ReferrerPolicy.SAME_ORIGIN)));
		return http.build();
	}

}

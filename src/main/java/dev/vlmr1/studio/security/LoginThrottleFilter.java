package dev.vlmr1.studio.security;

import java.io.IOException;
import java.time.Duration;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpStatus;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Answers a login POST for a blocked username with 429 and {@code Retry-After}, before the password is checked (so
 * a blocked attacker learns nothing, not even whether the password was right).
 */
final class LoginThrottleFilter extends OncePerRequestFilter {

	private final LoginThrottle throttle;

	LoginThrottleFilter(LoginThrottle throttle) {
		this.throttle = throttle;
	}

	@Override
	protected boolean shouldNotFilter(HttpServletRequest request) {
		return !("POST".equals(request.getMethod())
				&& request.getRequestURI().equals(request.getContextPath() + "/login"));
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		String username = request.getParameter("username");
		Duration wait = username == null ? Duration.ZERO : throttle.retryAfter(username);
		if (!wait.isZero()) {
			response.setStatus(HttpStatus.TOO_MANY_REQUESTS.value());
			response.setHeader("Retry-After", String.valueOf(wait.toSeconds()));
			response.setContentType("text/plain;charset=UTF-8");
			response.getWriter()
				.write("Too many failed logins for this user. Try again in " + (wait.toMinutes() + 1) + " minutes.");
			return;
		}
		chain.doFilter(request, response);
	}

}

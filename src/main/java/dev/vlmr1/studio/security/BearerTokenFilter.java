package dev.vlmr1.studio.security;

import java.io.IOException;
import java.util.Optional;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextHolderStrategy;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Authenticates {@code /api/**} requests from {@code Authorization: Bearer vlm_<prefix>_<secret>}. Without the
 * header the request goes on anonymous (and is refused with 401 by the authorization rules); with a header that is
 * not an active token it is refused with 401 at once.
 */
final class BearerTokenFilter extends OncePerRequestFilter {

	/** Longer headers cannot hold a token: refuse them without parsing. */
	private static final int MAX_HEADER_LENGTH = 256;

	private final ApiTokens tokens;

	private final AuthenticationEntryPoint entryPoint;

	private final SecurityContextHolderStrategy contexts = SecurityContextHolder.getContextHolderStrategy();

	BearerTokenFilter(ApiTokens tokens, AuthenticationEntryPoint entryPoint) {
		this.tokens = tokens;
		this.entryPoint = entryPoint;
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		String header = request.getHeader("Authorization");
		if (header == null) {
			chain.doFilter(request, response);
			return;
		}
		Optional<ApiTokenAuthentication> authentication = header.length() > MAX_HEADER_LENGTH
				|| !header.regionMatches(true, 0, "Bearer ", 0, 7) ? Optional.empty()
						: tokens.authenticate(header.substring(7).strip());
		if (authentication.isEmpty()) {
			contexts.clearContext();
			entryPoint.commence(request, response, new BadCredentialsException("invalid API token"));
			return;
		}
		SecurityContext context = contexts.createEmptyContext();
		context.setAuthentication(authentication.get());
		contexts.setContext(context);
		chain.doFilter(request, response);
	}

}

package dev.vlmr1.studio.security;

import java.util.List;

import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

import dev.vlmr1.studio.web.CurrentUser;

/**
 * A request authenticated by an API token: the principal is the token owner's {@link CurrentUser}; authorities
 * are the owner's role and the token's scope. It carries no credentials (the secret is not kept).
 */
final class ApiTokenAuthentication extends AbstractAuthenticationToken {

	private final CurrentUser user;

	private final long tokenId;

	ApiTokenAuthentication(CurrentUser user, long tokenId, TokenScope scope) {
		super(List.of(new SimpleGrantedAuthority(user.admin() ? "ROLE_ADMIN" : "ROLE_USER"),
				new SimpleGrantedAuthority(scope.authority())));
		this.user = user;
		this.tokenId = tokenId;
		setAuthenticated(true);
	}

	@Override
	public Object getCredentials() {
		return "";
	}

	@Override
	public CurrentUser getPrincipal() {
		return user;
	}

	long tokenId() {
		return tokenId;
	}

}

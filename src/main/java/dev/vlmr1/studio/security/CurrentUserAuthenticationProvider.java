package dev.vlmr1.studio.security;

import org.springframework.security.authentication.dao.DaoAuthenticationProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.crypto.password.PasswordEncoder;

/**
 * Form login against the users table whose successful authentication carries a
 * {@link dev.vlmr1.studio.web.CurrentUser} principal (instead of Spring's {@code UserDetails}), so pages and API
 * controllers take the same {@code @AuthenticationPrincipal CurrentUser}.
 */
class CurrentUserAuthenticationProvider extends DaoAuthenticationProvider {

	CurrentUserAuthenticationProvider(StudioUserDetailsService users, PasswordEncoder passwordEncoder) {
		super(users);
		setPasswordEncoder(passwordEncoder);
	}

	@Override
	protected Authentication createSuccessAuthentication(Object principal, Authentication authentication,
			UserDetails user) {
		Object currentUser = user instanceof StudioUserDetailsService.StudioUserDetails details
				? details.currentUser() : principal;
		return super.createSuccessAuthentication(currentUser, authentication, user);
	}

}

package dev.vlmr1.studio.security;

import org.springframework.security.authentication.LockedException;
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

	private final LoginThrottle throttle;

	CurrentUserAuthenticationProvider(StudioUserDetailsService users, PasswordEncoder passwordEncoder,
			LoginThrottle throttle) {
		super(users);
		setPasswordEncoder(passwordEncoder);
		this.throttle = throttle;
	}

	/**
	 * Refuses a throttled name before its password is checked. {@link LoginThrottleFilter} already answers 429 for
	 * the login form; this guard makes the throttle hold for any way a name reaches the password check.
	 */
	@Override
	public Authentication authenticate(Authentication authentication) {
		if (!throttle.retryAfter(authentication.getName()).isZero()) {
			throw new LockedException("too many failed logins for this user");
		}
		return super.authenticate(authentication);
	}

	@Override
	protected Authentication createSuccessAuthentication(Object principal, Authentication authentication,
			UserDetails user) {
		Object currentUser = user instanceof StudioUserDetailsService.StudioUserDetails details
				? details.currentUser() : principal;
		return super.createSuccessAuthentication(currentUser, authentication, user);
	}

}

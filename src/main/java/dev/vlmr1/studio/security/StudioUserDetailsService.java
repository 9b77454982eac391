package dev.vlmr1.studio.security;

import java.util.List;

import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;

import dev.vlmr1.studio.web.CurrentUser;

/** Loads users for form login; the {@link CurrentUser} rides along so it can become the principal. */
class StudioUserDetailsService implements UserDetailsService {

	private final UserAccountRepository users;

	StudioUserDetailsService(UserAccountRepository users) {
		this.users = users;
	}

	@Override
	public UserDetails loadUserByUsername(String username) {
		UserAccount account = users.findByUsername(Usernames.normalize(username))
			.orElseThrow(() -> new UsernameNotFoundException("no such user"));
		return new StudioUserDetails(account);
	}

	/** Spring's user plus our principal. */
	static final class StudioUserDetails extends User {

		private final CurrentUser currentUser;

		StudioUserDetails(UserAccount account) {
			super(account.username(), account.passwordHash(),
					List.of(new SimpleGrantedAuthority("ROLE_" + account.role())));
			this.currentUser = account.toCurrentUser();
		}

		CurrentUser currentUser() {
			return currentUser;
		}

	}

}

package dev.vlmr1.studio.security;

import java.time.Instant;

/** A user as the API shows it (never the password hash). */
public record UserSummary(long id, String username, Role role, Instant createdAt) {

	static UserSummary of(UserAccount account) {
		return new UserSummary(account.id(), account.username(), account.role(), account.createdAt());
	}

}

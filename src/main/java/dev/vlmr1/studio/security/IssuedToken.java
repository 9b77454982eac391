package dev.vlmr1.studio.security;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * A token just created. {@code token} ({@code vlm_<prefix>_<secret>}) is the only copy of the secret: it is shown
 * once and cannot be recovered later.
 *
 * @param id the token's id (to revoke it)
 * @param name what the owner called it
 * @param scope READ or WRITE
 * @param prefix the public part, shown in listings
 * @param expiresAt when it stops working, or null for never
 * @param token the full bearer token
 */
public record IssuedToken(long id, String name, TokenScope scope, String prefix, @Nullable Instant expiresAt,
		String token) {

	/** The value of an {@code Authorization} header that uses this token. */
	public String authorizationHeader() {
		return "Bearer " + token;
	}

}

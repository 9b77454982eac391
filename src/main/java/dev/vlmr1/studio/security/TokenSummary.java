package dev.vlmr1.studio.security;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/** A token as listed to its owner: everything but the secret, which is not stored. */
public record TokenSummary(long id, String name, String prefix, TokenScope scope, Instant createdAt,
		@Nullable Instant expiresAt, @Nullable Instant lastUsedAt, @Nullable Instant revokedAt, boolean active) {

	static TokenSummary of(ApiToken token, Instant now) {
		return new TokenSummary(token.id(), token.name(), token.prefix(), token.scope(), token.createdAt(),
				token.expiresAt(), token.lastUsedAt(), token.revokedAt(), token.isActive(now));
	}

}

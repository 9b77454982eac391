package dev.vlmr1.studio.security;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.jspecify.annotations.Nullable;

/**
 * A personal API token as stored: its public prefix (the lookup key) and the SHA-256 of its secret, never the
 * secret itself.
 */
@Entity
@Table(name = "api_tokens")
class ApiToken {

	@Id
	@GeneratedValue(strategy = GenerationType.IDENTITY)
	private @Nullable Long id;

	@Column(name = "user_id", nullable = false)
	private long userId;

	@Column(nullable = false, length = 100)
	private String name;

	@Column(nullable = false, unique = true, length = 16)
	private String prefix;

	@Column(name = "secret_hash", nullable = false, length = 128)
	private String secretHash;

	@Enumerated(EnumType.STRING)
	@Column(nullable = false, length = 10)
	private TokenScope scope;

	@Column(name = "created_at", nullable = false)
	private Instant createdAt;

	@Column(name = "expires_at")
	private @Nullable Instant expiresAt;

	@Column(name = "last_used_at")
	private @Nullable Instant lastUsedAt;

	@Column(name = "revoked_at")
	private @Nullable Instant revokedAt;

	/** The token that created this one through the API, or null when a logged-in session did. */
	@Column(name = "parent_id")
	private @Nullable Long parentId;

	protected ApiToken() {
		this.name = "";
		this.prefix = "";
		this.secretHash = "";
		this.scope = TokenScope.READ;
		this.createdAt = Instant.EPOCH;
	}

	ApiToken(long userId, String name, String prefix, String secretHash, TokenScope scope,
			@Nullable Instant expiresAt, @Nullable Long parentId) {
		this.userId = userId;
		this.name = name;
		this.prefix = prefix;
		this.secretHash = secretHash;
		this.scope = scope;
		this.createdAt = Instant.now();
		this.expiresAt = expiresAt;
		this.parentId = parentId;
	}

	long id() {
		if (id == null) {
			throw new IllegalStateException("token not saved yet");
		}
		return id;
	}

	long userId() {
		return userId;
	}

	String name() {
		return name;
	}

	String prefix() {
		return prefix;
	}

	String secretHash() {
		return secretHash;
	}

	TokenScope scope() {
		return scope;
	}

	Instant createdAt() {
		return createdAt;
	}

	@Nullable Instant expiresAt() {
		return expiresAt;
	}

	@Nullable Instant lastUsedAt() {
		return lastUsedAt;
	}

	@Nullable Instant revokedAt() {
		return revokedAt;
	}

	@Nullable Long parentId() {
		return parentId;
	}

	/** Whether the token may authenticate a request at {@code now}. */
	boolean isActive(Instant now) {
		return revokedAt == null && (expiresAt == null || now.isBefore(expiresAt));
	}

}

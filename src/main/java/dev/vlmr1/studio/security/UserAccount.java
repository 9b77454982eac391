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

import dev.vlmr1.studio.web.CurrentUser;

/** A person who logs in: a unique name, a BCrypt password hash and a role. */
@Entity
@Table(name = "users")
class UserAccount {

	@Id
	@GeneratedValue(strategy = GenerationType.IDENTITY)
	private @Nullable Long id;

	@Column(nullable = false, unique = true, length = 100)
	private String username;

	@Column(name = "password_hash", nullable = false, length = 200)
	private String passwordHash;

	@Enumerated(EnumType.STRING)
	@Column(nullable = false, length = 20)
	private Role role;

	@Column(name = "created_at", nullable = false)
	private Instant createdAt;

	protected UserAccount() {
		this.username = "";
		this.passwordHash = "";
		this.role = Role.USER;
		this.createdAt = Instant.EPOCH;
	}

	UserAccount(String username, String passwordHash, Role role) {
		this.username = username;
		this.passwordHash = passwordHash;
		this.role = role;
		this.createdAt = Instant.now();
	}

	long id() {
		if (id == null) {
			throw new IllegalStateException("user not saved yet");
		}
		return id;
	}

	String username() {
		return username;
	}

	String passwordHash() {
		return passwordHash;
	}

	Role role() {
		return role;
	}

	Instant createdAt() {
		return createdAt;
	}

	CurrentUser toCurrentUser() {
		return new CurrentUser(id(), username, role == Role.ADMIN);
	}

}

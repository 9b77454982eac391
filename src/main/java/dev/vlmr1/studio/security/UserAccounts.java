package dev.vlmr1.studio.security;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.data.domain.Sort;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import dev.vlmr1.studio.web.ApiProblem;
import dev.vlmr1.studio.web.CurrentUser;

/** Creates and lists users. Passwords are stored as BCrypt hashes only. */
@Service
public class UserAccounts {

	/** Shorter passwords are refused everywhere, the admin's included. */
	public static final int MIN_PASSWORD_LENGTH = 12;

	/** A name as stored: already {@link Usernames#normalize normalised}, so lower case only. */
	private static final Pattern USERNAME = Pattern.compile("[a-z0-9._-]{3,100}");

	/** Well-known defaults that must never protect an account (MLflow's {@code password1234} is the anti-example). */
	private static final List<String> DEFAULT_PASSWORDS = List.of("admin", "password", "changeme", "change-me",
			"password1234", "admin123456789", "administrator", "secret", "studio", "letmein", "123456789012");

	private final UserAccountRepository users;

	private final PasswordEncoder passwordEncoder;

	UserAccounts(UserAccountRepository users, PasswordEncoder passwordEncoder) {
		this.users = users;
		this.passwordEncoder = passwordEncoder;
	}

	/**
	 * Creates a user under the normalised form of {@code requestedName} ({@link Usernames}); a bad name, a weak
	 * password or a taken name (in any case or spacing) is a 400/409 problem naming the field.
	 */
	@Transactional
	public CurrentUser create(String requestedName, String password, Role role) {
		String username = Usernames.normalize(requestedName);
		if (!USERNAME.matcher(username).matches()) {
			throw ApiProblem.badRequest("user-invalid", "username must be 3 to 100 letters, digits, '.', '_' or '-'")
				.with("field", "username");
		}
		String weakness = passwordWeakness(password);
		if (weakness != null) {
			throw ApiProblem.badRequest("user-invalid", weakness).with("field", "password");
		}
		if (users.existsByUsername(username)) {
			throw taken(username);
		}
		try {
			return users.saveAndFlush(new UserAccount(username, passwordEncoder.encode(password), role))
				.toCurrentUser();
		}
		catch (DataIntegrityViolationException raced) {
			// a concurrent request created the same name between the check and the insert: the unique index decides
			throw taken(username);
		}
	}

	private static ApiProblem taken(String username) {
		return ApiProblem.conflict("user-exists", "username '" + username + "' is taken").with("field", "username");
	}

	@Transactional(readOnly = true)
	public List<UserSummary> list() {
		return users.findAll(Sort.by("id")).stream().map(UserSummary::of).toList();
	}

	/** Why {@code password} may not be used, or null when it may. */
	static @Nullable String passwordWeakness(String password) {
		if (password.length() < MIN_PASSWORD_LENGTH) {
			return "password must have at least " + MIN_PASSWORD_LENGTH + " characters";
		}
		if (password.getBytes(StandardCharsets.UTF_8).length > 72) {
			// BCrypt only looks at the first 72 bytes
			return "password must have at most 72 bytes";
		}
		if (DEFAULT_PASSWORDS.contains(password.toLowerCase(Locale.ROOT))) {
			return "password is a well-known default";
		}
		return null;
	}

}

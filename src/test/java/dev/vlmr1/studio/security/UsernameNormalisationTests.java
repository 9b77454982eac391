package dev.vlmr1.studio.security;

import java.util.HexFormat;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.authentication.LockedException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.test.web.servlet.MockMvc;

import dev.vlmr1.studio.web.ApiProblem;
import dev.vlmr1.studio.web.CurrentUser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrl;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * Issue 11, class 3: names that differ only by case, surrounding space or compatibility form are one user, for the
 * login, the throttle, creation and the database alike.
 */
@SpringBootTest
@AutoConfigureMockMvc
class UsernameNormalisationTests {

	private static final String PASSWORD = "correct-horse-battery";

	@Autowired
	MockMvc mvc;

	@Autowired
	UserAccounts accounts;

	@Autowired
	CurrentUserAuthenticationProvider passwordCheck;

	@Autowired
	LoginThrottle throttle;

	@Autowired
	JdbcTemplate jdbc;

	@Test
	void aThrottledUserStaysThrottledUnderEverySpellingAndTheRightPasswordDoesNotLogIn() throws Exception {
		String name = uniqueName("dora");
		accounts.create(name, PASSWORD, Role.USER);
		for (int i = 0; i < LoginThrottle.MAX_FAILURES; i++) {
			login(name, "wrong-" + i).andExpect(redirectedUrl("/login?error"));
		}
		String upper = name.toUpperCase(Locale.ROOT);
		for (String spelling : new String[] { name, name + " ", name + "   ", " " + name, "\t" + name + "\t", upper,
				" " + upper + " ", name + "\u00a0", name + "\u0001", fullWidth(name) }) {
			login(spelling, PASSWORD).andExpect(status().isTooManyRequests()).andExpect(header().exists("Retry-After"));
		}
	}

	@Test
	void thePasswordCheckItselfRefusesAThrottledNameWhateverReachesIt() {
		String name = uniqueName("eve");
		accounts.create(name, PASSWORD, Role.USER);
		assertThat(passwordCheck.authenticate(new UsernamePasswordAuthenticationToken(name + " ", PASSWORD))
			.isAuthenticated()).isTrue();
		for (int i = 0; i < LoginThrottle.MAX_FAILURES; i++) {
			throttle.recordFailure(name); // what the failure events of the form login record
		}
		for (String spelling : new String[] { name + "  ", name.toUpperCase(Locale.ROOT), fullWidth(name) }) {
			assertThatThrownBy(() -> passwordCheck.authenticate(new UsernamePasswordAuthenticationToken(spelling,
					PASSWORD))).as(spelling).isInstanceOf(LockedException.class);
		}
	}

	@Test
	void anyCaseAndSpacingOfANameLogsInAsTheOneUser() throws Exception {
		String name = uniqueName("frank");
		accounts.create(name, PASSWORD, Role.USER);
		login("  " + name.toUpperCase(Locale.ROOT) + " ", PASSWORD).andExpect(redirectedUrl("/"));
		login(fullWidth(name), PASSWORD).andExpect(redirectedUrl("/"));
	}

	@Test
	void aNameIsStoredNormalisedAndTakenInEveryCaseAndSpacing() {
		String name = uniqueName("grace");
		CurrentUser created = accounts.create(" " + name.toUpperCase(Locale.ROOT) + "\t", PASSWORD, Role.USER);
		assertThat(created.username()).isEqualTo(name);
		for (String spelling : new String[] { name, name.toUpperCase(Locale.ROOT), name + " ", fullWidth(name) }) {
			assertThatThrownBy(() -> accounts.create(spelling, PASSWORD, Role.USER)).as(spelling)
				.isInstanceOfSatisfying(ApiProblem.class,
						problem -> assertThat(problem.getStatusCode().value()).isEqualTo(409));
		}
		assertThat(jdbc.queryForObject("SELECT count(*) FROM users WHERE lower(username) = ?", Long.class, name))
			.isOne();
	}

	@Test
	void theDatabaseRefusesANameThatDiffersOnlyByCaseOrSpace() {
		String name = uniqueName("heidi");
		accounts.create(name, PASSWORD, Role.USER);
		for (String spelling : new String[] { name.toUpperCase(Locale.ROOT), name + " " }) {
			assertThatThrownBy(() -> jdbc.update(
					"INSERT INTO users (username, password_hash, role) VALUES (?, 'x', 'USER')", spelling))
				.as(spelling)
				.isInstanceOf(org.springframework.dao.DataIntegrityViolationException.class);
		}
	}

	private org.springframework.test.web.servlet.ResultActions login(String username, String password)
			throws Exception {
		return mvc.perform(post("/login").param("username", username).param("password", password).with(csrf()));
	}

	private static String uniqueName(String base) {
		byte[] suffix = new byte[4];
		ThreadLocalRandom.current().nextBytes(suffix);
		return base + "-" + HexFormat.of().formatHex(suffix);
	}

	/** The full-width form of an ASCII name, which NFKC folds back to it. */
	private static String fullWidth(String name) {
		var wide = new StringBuilder();
		name.chars().forEach(c -> wide.append((char) (c - 0x21 + 0xff01)));
		return wide.toString();
	}

}

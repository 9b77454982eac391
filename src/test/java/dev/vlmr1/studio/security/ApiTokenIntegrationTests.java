package dev.vlmr1.studio.security;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;

import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.context.ApplicationContext;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;

import dev.vlmr1.studio.web.TestUsers;
import dev.vlmr1.studio.web.TestUsers.TestUser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/** The API token lifecycle (T4.3) and tampering (T4.4), through the real API and database. */
@SpringBootTest
@AutoConfigureMockMvc
class ApiTokenIntegrationTests {

	@Autowired
	MockMvc mvc;

	@Autowired
	ApplicationContext context;

	@Autowired
	JdbcTemplate jdbc;

	TestUser alice;

	@BeforeEach
	void createUser() {
		alice = new TestUsers(context).create("alice");
	}

	@Test
	void theSecretIsShownOnceAndTheDatabaseHoldsOnlyItsHash() throws Exception {
		String body = createToken(alice.bearer(), "{\"name\":\"laptop\",\"scope\":\"READ\",\"expiresInDays\":30}")
			.andExpect(status().isCreated())
			.andExpect(jsonPath("$.name").value("laptop"))
			.andExpect(jsonPath("$.scope").value("READ"))
			.andExpect(jsonPath("$.expiresAt").isNotEmpty())
			.andReturn()
			.getResponse()
			.getContentAsString();
		String token = JsonPath.read(body, "$.token");
		String prefix = JsonPath.read(body, "$.prefix");
		assertThat(token).matches("vlm_[a-z0-9]{10}_[A-Za-z0-9]{40}").startsWith("vlm_" + prefix + "_");
		String secret = token.substring(token.lastIndexOf('_') + 1);

		String listing = mvc.perform(get("/api/tokens").with(alice.api()))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$[?(@.name == 'laptop')].prefix").value(prefix))
			.andExpect(jsonPath("$[0].token").doesNotExist())
			.andReturn()
			.getResponse()
			.getContentAsString();
		assertThat(listing).doesNotContain(secret);

		// the equivalent of grepping a pg_dump: every row of every table, as text
		List<String> tables = jdbc.queryForList(
				"select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'",
				String.class);
		assertThat(tables).contains("api_tokens", "users");
		for (String table : tables) {
			List<String> rows = jdbc.queryForList("select t::text from \"" + table + "\" t", String.class);
			assertThat(rows).as(table).noneMatch(row -> row.contains(secret));
		}
		String storedHash = jdbc.queryForObject("select secret_hash from api_tokens where prefix = ?", String.class,
				prefix);
		assertThat(storedHash).isEqualTo(TokenFormat.hash(secret)).hasSize(64);
	}

	@Test
	void aTokenWorksUntilItExpires() throws Exception {
		String token = issue("{\"name\":\"short\",\"expiresInDays\":1}");
		mvc.perform(get("/api/users/me").header("Authorization", "Bearer " + token)).andExpect(status().isOk());
		// time passes: the token's expiry is now in the past
		jdbc.update("update api_tokens set expires_at = ? where prefix = ?", Timestamp.from(Instant.now().minusSeconds(1)),
				prefixOf(token));
		mvc.perform(get("/api/users/me").header("Authorization", "Bearer " + token))
			.andExpect(status().isUnauthorized())
			.andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON));
	}

	@Test
	void aRevokedTokenFailsOnTheNextRequest() throws Exception {
		String body = createToken(alice.bearer(), "{\"name\":\"to revoke\"}").andReturn().getResponse().getContentAsString();
		String token = JsonPath.read(body, "$.token");
		long id = ((Number) JsonPath.read(body, "$.id")).longValue();
		mvc.perform(get("/api/users/me").header("Authorization", "Bearer " + token)).andExpect(status().isOk());

		mvc.perform(delete("/api/tokens/" + id).with(alice.api())).andExpect(status().isNoContent());
		mvc.perform(get("/api/users/me").header("Authorization", "Bearer " + token)).andExpect(status().isUnauthorized());
		mvc.perform(get("/api/tokens").with(alice.api()))
			.andExpect(jsonPath("$[?(@.id == " + id + ")].active").value(false))
			.andExpect(jsonPath("$[?(@.id == " + id + ")].revokedAt").isNotEmpty());
	}

	@Test
	void onlyTheOwnerRevokesAndAForeignTokenLooksMissing() throws Exception {
		TestUser bob = new TestUsers(context).create("bob");
		long bobsTokenId = jdbc.queryForObject("select id from api_tokens where prefix = ?", Long.class,
				prefixOf(bob.token()));
		String foreign = mvc.perform(delete("/api/tokens/" + bobsTokenId).with(alice.api()))
			.andExpect(status().isNotFound())
			.andReturn()
			.getResponse()
			.getContentAsString();
		String missing = mvc.perform(delete("/api/tokens/" + Long.MAX_VALUE).with(alice.api()))
			.andExpect(status().isNotFound())
			.andReturn()
			.getResponse()
			.getContentAsString();
		assertThat(foreign.replaceAll("(tokens/|Token )" + bobsTokenId, "$1ID"))
			.isEqualTo(missing.replaceAll("(tokens/|Token )" + Long.MAX_VALUE, "$1ID"));
		mvc.perform(get("/api/users/me").with(bob.api())).andExpect(status().isOk());
		mvc.perform(get("/api/tokens").with(alice.api()))
			.andExpect(jsonPath("$[?(@.id == " + bobsTokenId + ")]").isEmpty());
	}

	@Test
	void lastUsedAtIsRecorded() throws Exception {
		String token = issue("{\"name\":\"fresh\"}");
		String prefix = prefixOf(token);
		assertThat(jdbc.queryForObject("select last_used_at from api_tokens where prefix = ?", Timestamp.class, prefix))
			.isNull();
		Instant before = Instant.now().minusSeconds(1);
		mvc.perform(get("/api/users/me").header("Authorization", "Bearer " + token)).andExpect(status().isOk());
		Timestamp used = jdbc.queryForObject("select last_used_at from api_tokens where prefix = ?", Timestamp.class,
				prefix);
		assertThat(used).isNotNull();
		assertThat(used.toInstant()).isAfter(before);
	}

	@Test
	void aReadTokenMayOnlyRead() throws Exception {
		String read = new TestUsers(context).newToken(alice, TokenScope.READ);
		mvc.perform(get("/api/tokens").header("Authorization", "Bearer " + read)).andExpect(status().isOk());
		createToken("Bearer " + read, "{\"name\":\"escalate\"}").andExpect(status().isForbidden())
			.andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
			.andExpect(jsonPath("$.status").value(403));
		mvc.perform(delete("/api/tokens/1").header("Authorization", "Bearer " + read)).andExpect(status().isForbidden());
		mvc.perform(post("/api/models").header("Authorization", "Bearer " + read)
			.contentType(MediaType.APPLICATION_JSON)
			.content("{}")).andExpect(status().isForbidden());
	}

	@Test
	void badTokenRequestsNameTheField() throws Exception {
		createToken(alice.bearer(), "{}").andExpect(status().isBadRequest()).andExpect(jsonPath("$.field").value("name"));
		createToken(alice.bearer(), "{\"name\":\"   \"}").andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.field").value("name"));
		createToken(alice.bearer(), "{\"name\":\"x\",\"expiresInDays\":0}").andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.field").value("expiresInDays"));
		createToken(alice.bearer(), "{\"name\":\"x\",\"scope\":\"ADMIN\"}").andExpect(status().isBadRequest())
			.andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON));
		createToken(alice.bearer(), "not json").andExpect(status().isBadRequest())
			.andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON));
	}

	@Test
	void tamperedTokensAreAll401NeverA500() throws Exception {
		String token = alice.token();
		String prefix = prefixOf(token);
		String secret = token.substring(token.lastIndexOf('_') + 1);
		char flipped = secret.charAt(0) == 'A' ? 'B' : 'A';
		String cyrillicA = "\u0430";
		List<String> headers = List.of("Bearer vlm_" + prefix + "_" + flipped + secret.substring(1), // wrong secret
				"Bearer " + token.substring(0, token.length() - 1), // truncated
				"Bearer " + token + "A", // one character too many
				"Bearer vlm_" + prefix + "_" + secret.substring(0, 39) + cyrillicA, // look-alike
				"Bearer vlm_" + prefix.substring(0, 9) + cyrillicA + "_" + secret, // look-alike in the prefix
				"Bearer " + "x".repeat(8192), // 8 KB
				"Bearer " + token.repeat(100), // long, built from a valid token
				"Bearer ", "Bearer", "Basic YWRtaW46YWRtaW4=", token, // no scheme
				"Bearer vlm_zzzzzzzzzz_" + secret); // unknown prefix
		for (String header : headers) {
			mvc.perform(get("/api/users/me").header("Authorization", header))
				.andExpect(status().isUnauthorized())
				.andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON));
		}
		// a control character never reaches the token check: Spring Security's firewall refuses the request
		mvc.perform(get("/api/users/me").header("Authorization", "Bearer vlm_" + prefix + "_" + secret.substring(0, 39) + "\u0000"))
			.andExpect(status().isBadRequest());
		// the genuine token still works, and the scheme is case-insensitive (RFC 9110)
		mvc.perform(get("/api/users/me").header("Authorization", "bearer " + token)).andExpect(status().isOk());
	}

	private ResultActions createToken(String authorization, String json) throws Exception {
		return mvc.perform(post("/api/tokens").header("Authorization", authorization)
			.contentType(MediaType.APPLICATION_JSON)
			.content(json));
	}

	private String issue(String json) throws Exception {
		String body = createToken(alice.bearer(), json).andExpect(status().isCreated())
			.andReturn()
			.getResponse()
			.getContentAsString();
		return JsonPath.read(body, "$.token");
	}

	private static String prefixOf(String token) {
		return token.substring(4, 14);
	}

}

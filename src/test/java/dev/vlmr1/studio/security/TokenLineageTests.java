package dev.vlmr1.studio.security;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;

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

import dev.vlmr1.studio.web.ApiProblem;
import dev.vlmr1.studio.web.TestUsers;
import dev.vlmr1.studio.web.TestUsers.TestUser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/** Issue 11, class 6: a token made by a token never outlives or outranks it, and is revoked with it. */
@SpringBootTest
@AutoConfigureMockMvc
class TokenLineageTests {

	@Autowired
	MockMvc mvc;

	@Autowired
	ApplicationContext context;

	@Autowired
	JdbcTemplate jdbc;

	@Autowired
	ApiTokens tokens;

	TestUser alice;

	@BeforeEach
	void createUser() {
		alice = new TestUsers(context).create("alice");
	}

	@Test
	void aTokenMadeByAnExpiringTokenInheritsItsExpiryAndCannotAskForALaterOne() throws Exception {
		Issued oneDay = issue(alice.token(), "{\"name\":\"one day\",\"expiresInDays\":1}");
		Issued child = issue(oneDay.token(), "{\"name\":\"child\"}");
		assertThat(expiresAt(child)).isNotNull().isEqualTo(expiresAt(oneDay));

		for (int days : new int[] { 2, 30, ApiTokens.MAX_EXPIRY_DAYS }) {
			create(oneDay.token(), "{\"name\":\"longer\",\"expiresInDays\":" + days + "}")
				.andExpect(status().isBadRequest())
				.andExpect(jsonPath("$.field").value("expiresInDays"));
		}
		assertThat(jdbc.queryForObject("select count(*) from api_tokens where name = 'longer'", Long.class)).isZero();
	}

	@Test
	void aChildStopsWorkingWhenItsParentExpires() throws Exception {
		Issued parent = issue(alice.token(), "{\"name\":\"parent\",\"expiresInDays\":10}");
		Issued child = issue(parent.token(), "{\"name\":\"child\",\"expiresInDays\":5}");
		Issued grandchild = issue(child.token(), "{\"name\":\"grandchild\",\"expiresInDays\":1}");
		me(grandchild).andExpect(status().isOk());

		jdbc.update("update api_tokens set expires_at = ? where id = ?", Timestamp.from(Instant.now().minusSeconds(1)),
				parent.id());
		me(child).andExpect(status().isUnauthorized());
		me(grandchild).andExpect(status().isUnauthorized());
	}

	@Test
	void revokingATokenRevokesEveryTokenItMadeAndNothingAboveIt() throws Exception {
		Issued parent = issue(alice.token(), "{\"name\":\"parent\"}");
		Issued child = issue(parent.token(), "{\"name\":\"child\"}");
		Issued grandchild = issue(child.token(), "{\"name\":\"grandchild\"}");
		Issued sibling = issue(alice.token(), "{\"name\":\"sibling\"}");

		mvc.perform(delete("/api/tokens/" + parent.id()).with(alice.api())).andExpect(status().isNoContent());
		me(parent).andExpect(status().isUnauthorized());
		me(child).andExpect(status().isUnauthorized());
		me(grandchild).andExpect(status().isUnauthorized());
		me(sibling).andExpect(status().isOk());
		mvc.perform(get("/api/users/me").with(alice.api())).andExpect(status().isOk());
		for (Issued revoked : new Issued[] { parent, child, grandchild }) {
			mvc.perform(get("/api/tokens").with(alice.api()))
				.andExpect(jsonPath("$[?(@.id == " + revoked.id() + ")].active").value(false))
				.andExpect(jsonPath("$[?(@.id == " + revoked.id() + ")].revokedAt").isNotEmpty());
		}
	}

	@Test
	void aReadTokenCannotGrantWrite() {
		IssuedToken read = tokens.issue(alice.user(), "read", TokenScope.READ, null);
		var asRead = new ApiTokenAuthentication(alice.user(), read.id(), TokenScope.READ);
		assertThatThrownBy(() -> tokens.issueUnder(asRead, "escalated", TokenScope.WRITE, null))
			.isInstanceOfSatisfying(ApiProblem.class, problem -> assertThat(problem.getStatusCode().value()).isEqualTo(403));
		assertThat(tokens.issueUnder(asRead, "narrow", TokenScope.READ, null).scope()).isEqualTo(TokenScope.READ);
	}

	@Test
	void aTokenWithoutExpiryMayMakeAnyTokenWithinTheGeneralBound() throws Exception {
		Issued child = issue(alice.token(), "{\"name\":\"a year\",\"expiresInDays\":365}");
		assertThat(Duration.between(Instant.now(), expiresAt(child))).isGreaterThan(Duration.ofDays(364));
		assertThat(expiresAt(issue(alice.token(), "{\"name\":\"forever\"}"))).isNull();
	}

	private record Issued(long id, String token) {
	}

	private Issued issue(String parentToken, String json) throws Exception {
		String body = create(parentToken, json).andExpect(status().isCreated())
			.andReturn()
			.getResponse()
			.getContentAsString();
		return new Issued(((Number) JsonPath.read(body, "$.id")).longValue(), JsonPath.read(body, "$.token"));
	}

	private ResultActions create(String parentToken, String json) throws Exception {
		return mvc.perform(post("/api/tokens").header("Authorization", "Bearer " + parentToken)
			.contentType(MediaType.APPLICATION_JSON)
			.content(json));
	}

	private ResultActions me(Issued token) throws Exception {
		return mvc.perform(get("/api/users/me").header("Authorization", "Bearer " + token.token()));
	}

	private Instant expiresAt(Issued token) {
		Timestamp at = jdbc.queryForObject("select expires_at from api_tokens where id = ?", Timestamp.class, token.id());
		return at == null ? null : at.toInstant();
	}

}

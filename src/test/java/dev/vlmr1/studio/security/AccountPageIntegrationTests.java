package dev.vlmr1.studio.security;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.context.ApplicationContext;
import org.springframework.mock.web.MockHttpSession;
import org.springframework.test.web.servlet.MockMvc;

import dev.vlmr1.studio.web.TestUsers;
import dev.vlmr1.studio.web.TestUsers.TestUser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrl;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/** The account page, where a logged-in user gets a first API token: shown once, usable, revocable. */
@SpringBootTest
@AutoConfigureMockMvc
class AccountPageIntegrationTests {

	private static final Pattern TOKEN = Pattern.compile("vlm_[a-z0-9]{10}_[A-Za-z0-9]{40}");

	@Autowired
	MockMvc mvc;

	@Autowired
	ApplicationContext context;

	@Test
	void aTokenCreatedOnThePageIsShownOnceWorksAndCanBeRevoked() throws Exception {
		TestUser alice = new TestUsers(context).create("alice");
		MockHttpSession session = (MockHttpSession) mvc
			.perform(post("/login").param("username", alice.user().username())
				.param("password", alice.password())
				.with(csrf()))
			.andExpect(redirectedUrl("/"))
			.andReturn()
			.getRequest()
			.getSession();

		mvc
			.perform(post("/account/tokens").session(session)
				.param("name", "notebook")
				.param("scope", "WRITE")
				.param("expiresInDays", "7")
				.with(csrf()))
			.andExpect(redirectedUrl("/account"));
		String first = mvc.perform(get("/account").session(session))
			.andExpect(status().isOk())
			.andReturn()
			.getResponse()
			.getContentAsString();
		Matcher matcher = TOKEN.matcher(first);
		assertThat(matcher.find()).as("the new token is on the page").isTrue();
		String token = matcher.group();
		assertThat(first).contains("notebook", "shown only once");

		String second = mvc.perform(get("/account").session(session)).andReturn().getResponse().getContentAsString();
		assertThat(second).contains("notebook").doesNotContain(token);

		mvc.perform(get("/api/users/me").header("Authorization", "Bearer " + token)).andExpect(status().isOk());
		long id = tokenId(second, token.substring(4, 14));
		mvc.perform(post("/account/tokens/" + id + "/revoke").session(session).with(csrf()))
			.andExpect(redirectedUrl("/account"));
		mvc.perform(get("/api/users/me").header("Authorization", "Bearer " + token)).andExpect(status().isUnauthorized());
	}

	@Test
	void anInvalidTokenRequestIsReportedOnThePage() throws Exception {
		TestUser alice = new TestUsers(context).create("alice");
		mvc.perform(post("/account/tokens").with(alice.page()).with(csrf()).param("name", " ").param("scope", "READ"))
			.andExpect(redirectedUrl("/account"))
			.andExpect(org.springframework.test.web.servlet.result.MockMvcResultMatchers.flash()
				.attribute("error", "name must be 1 to 100 characters"));
	}

	/** The revoke form's action for the token with this prefix. */
	private static long tokenId(String html, String prefix) {
		Matcher row = Pattern.compile("vlm_" + prefix + "_…</code>.*?/account/tokens/(\\d+)/revoke", Pattern.DOTALL)
			.matcher(html);
		assertThat(row.find()).isTrue();
		return Long.parseLong(row.group(1));
	}

}

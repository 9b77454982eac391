package dev.vlmr1.studio.security;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.context.ApplicationContext;
import org.springframework.http.MediaType;
import org.springframework.mock.web.MockHttpSession;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;

import dev.vlmr1.studio.web.TestUsers;
import dev.vlmr1.studio.web.TestUsers.TestUser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrl;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/** Form login, CSRF (T4.2), session hygiene (T4.7), headers (T4.8) and the API's 401 for anonymous calls. */
@SpringBootTest
@AutoConfigureMockMvc
class SecurityIntegrationTests {

	@Autowired
	MockMvc mvc;

	@Autowired
	ApplicationContext context;

	TestUser alice;

	@BeforeEach
	void createUser() {
		alice = new TestUsers(context).create("alice");
	}

	@Test
	void anonymousApiCallIsA401ProblemNotARedirect() throws Exception {
		for (String path : new String[] { "/api/tokens", "/api/users/me", "/api/no-such-thing", "/api/models" }) {
			mvc.perform(get(path))
				.andExpect(status().isUnauthorized())
				.andExpect(header().doesNotExist("Location"))
				.andExpect(header().string("WWW-Authenticate", org.hamcrest.Matchers.startsWith("Bearer")))
				.andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
				.andExpect(jsonPath("$.status").value(401))
				.andExpect(jsonPath("$.type").value("https://vlm-r1.dev/problems/unauthorized"));
		}
		mvc.perform(post("/api/tokens").contentType(MediaType.APPLICATION_JSON).content("{\"name\":\"x\"}"))
			.andExpect(status().isUnauthorized());
	}

	@Test
	void anonymousPageRedirectsToLogin() throws Exception {
		mvc.perform(get("/")).andExpect(status().isFound()).andExpect(redirectedUrl("/login"));
		mvc.perform(get("/login")).andExpect(status().isOk());
	}

	@Test
	void formLoginNeedsTheCsrfToken() throws Exception {
		mvc.perform(post("/login").param("username", alice.user().username()).param("password", alice.password()))
			.andExpect(status().isForbidden());
		mvc.perform(post("/login").param("username", alice.user().username())
			.param("password", alice.password())
			.with(csrf())).andExpect(status().isFound()).andExpect(redirectedUrl("/"));
		mvc.perform(post("/login").param("username", alice.user().username()).param("password", "wrong-password")
			.with(csrf())).andExpect(status().isFound()).andExpect(redirectedUrl("/login?error"));
	}

	@Test
	void repeatedFailedLoginsAreThrottledPerUser() throws Exception {
		TestUser bob = new TestUsers(context).create("bob");
		for (int i = 0; i < LoginThrottle.MAX_FAILURES; i++) {
			String address = "10.0.0." + (i + 1); // a different client each time: the count is per user
			mvc.perform(post("/login").param("username", alice.user().username())
				.param("password", "guess-" + i)
				.with(csrf())
				.with(request -> {
					request.setRemoteAddr(address);
					return request;
				})).andExpect(redirectedUrl("/login?error"));
		}
		// now even the right password is refused until the window passes
		mvc.perform(post("/login").param("username", alice.user().username())
			.param("password", alice.password())
			.with(csrf()))
			.andExpect(status().isTooManyRequests())
			.andExpect(header().exists("Retry-After"));
		mvc.perform(post("/login").param("username", bob.user().username()).param("password", bob.password()).with(csrf()))
			.andExpect(redirectedUrl("/"));
		// tokens are not affected
		mvc.perform(get("/api/users/me").with(alice.api())).andExpect(status().isOk());
	}

	@Test
	void pageFormPostNeedsTheCsrfToken() throws Exception {
		mvc.perform(post("/account/tokens").param("name", "t").param("scope", "READ").with(alice.page()))
			.andExpect(status().isForbidden());
		mvc.perform(post("/account/tokens").param("name", "t").param("scope", "READ").with(alice.page()).with(csrf()))
			.andExpect(status().isFound())
			.andExpect(redirectedUrl("/account"));
	}

	@Test
	void homePageShowsTheLoggedInUserAndTheModules() throws Exception {
		MockHttpSession session = login(alice);
		String html = mvc.perform(get("/").session(session))
			.andExpect(status().isOk())
			.andReturn()
			.getResponse()
			.getContentAsString();
		// the layout's header shows the principal's name: CurrentUser is a java.security.Principal
		assertThat(html).contains("href=\"/account\">" + alice.user().username() + "</a>")
			.contains("href=\"/datasets\"", "href=\"/rewards\"", "href=\"/models\"", "href=\"/runs\"")
			.contains("name=\"_csrf\"");
	}

	@Test
	void theSessionCookieDoesNotAuthenticateTheApi() throws Exception {
		MockHttpSession session = login(alice);
		mvc.perform(get("/account").session(session)).andExpect(status().isOk());
		mvc.perform(get("/api/users/me").session(session))
			.andExpect(status().isUnauthorized())
			.andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON));
		mvc.perform(post("/api/tokens").session(session)
			.with(csrf())
			.contentType(MediaType.APPLICATION_JSON)
			.content("{\"name\":\"via cookie\"}")).andExpect(status().isUnauthorized());
	}

	@Test
	void aBearerCallNeedsNoCsrfToken() throws Exception {
		mvc.perform(post("/api/tokens").with(alice.api())
			.contentType(MediaType.APPLICATION_JSON)
			.content("{\"name\":\"ci\"}")).andExpect(status().isCreated());
		mvc.perform(get("/api/users/me").with(alice.api()))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.id").value(alice.user().id()))
			.andExpect(jsonPath("$.username").value(alice.user().username()))
			.andExpect(jsonPath("$.admin").value(false));
	}

	@Test
	void theSessionIdChangesOnLoginAndLogoutInvalidatesIt() throws Exception {
		MockHttpSession session = (MockHttpSession) mvc.perform(get("/login"))
			.andReturn()
			.getRequest()
			.getSession();
		String before = session.getId();
		MvcResult login = mvc.perform(post("/login").session(session)
			.param("username", alice.user().username())
			.param("password", alice.password())
			.with(csrf())).andExpect(redirectedUrl("/")).andReturn();
		assertThat(login.getRequest().getSession().getId()).isNotEqualTo(before);

		mvc.perform(get("/").session(session)).andExpect(status().isOk());
		mvc.perform(post("/logout").session(session).with(csrf()))
			.andExpect(status().isFound())
			.andExpect(redirectedUrl("/login?logout"));
		assertThat(session.isInvalid()).isTrue();
		mvc.perform(get("/").session(session)).andExpect(status().isFound()).andExpect(redirectedUrl("/login"));
	}

	@Test
	void everyHtmlPageCarriesTheSecurityHeaders() throws Exception {
		MockHttpSession session = login(alice);
		for (String page : new String[] { "/login", "/", "/account", "/models" }) {
			MvcResult result = mvc.perform(get(page).session(session)).andExpect(status().isOk()).andReturn();
			var response = result.getResponse();
			assertThat(response.getHeader("Content-Security-Policy")).as(page)
				.contains("object-src 'none'", "base-uri 'none'", "script-src 'self'", "img-src 'self' data: blob:");
			assertThat(response.getHeader("X-Content-Type-Options")).as(page).isEqualTo("nosniff");
			assertThat(response.getHeader("X-Frame-Options")).as(page).isEqualTo("DENY");
			assertThat(response.getContentType()).as(page).isEqualToIgnoringCase("text/html;charset=UTF-8");
		}
	}

	private MockHttpSession login(TestUser user) throws Exception {
		return (MockHttpSession) mvc.perform(post("/login").param("username", user.user().username())
			.param("password", user.password())
			.with(csrf())).andExpect(redirectedUrl("/")).andReturn().getRequest().getSession();
	}

}

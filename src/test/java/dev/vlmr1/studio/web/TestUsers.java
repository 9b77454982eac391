package dev.vlmr1.studio.web;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;

import org.springframework.context.ApplicationContext;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.test.web.servlet.request.RequestPostProcessor;

import dev.vlmr1.studio.security.ApiTokens;
import dev.vlmr1.studio.security.IssuedToken;
import dev.vlmr1.studio.security.Role;
import dev.vlmr1.studio.security.TokenScope;
import dev.vlmr1.studio.security.UserAccounts;

import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.authentication;

/**
 * Creates real users and API tokens through the production code, for integration tests of any module.
 *
 * <pre>{@code
 * @SpringBootTest
 * @AutoConfigureMockMvc
 * class DatasetApiIntegrationTests {
 *     @Autowired MockMvc mvc;
 *     @Autowired ApplicationContext context;
 *
 *     @Test
 *     void ownerSeesOwnDataset() throws Exception {
 *         var users = new TestUsers(context);
 *         var alice = users.create("alice");            // USER with a WRITE token
 *         var bob = users.create("bob");
 *         mvc.perform(get("/api/datasets").with(alice.api()))            // Authorization: Bearer vlm_…
 *         mvc.perform(get("/api/datasets").header("Authorization", bob.bearer()))  // the same, by hand
 *         mvc.perform(get("/datasets").with(alice.page()))               // logged-in page request
 *         mvc.perform(post("/datasets/1/delete").with(alice.page()).with(csrf()))  // page form POST
 *         alice.user().id()                                              // owner id as stored in tables
 *     }
 * }
 * }</pre>
 *
 * Usernames get a random suffix, so tests sharing one Spring context (and its database) never collide.
 * Use {@code @SpringBootTest} + {@code @AutoConfigureMockMvc} with no extra properties so every test class shares
 * one context, hence one embedded PostgreSQL.
 */
public final class TestUsers {

	private static final SecureRandom RANDOM = new SecureRandom();

	private final UserAccounts accounts;

	private final ApiTokens tokens;

	public TestUsers(ApplicationContext context) {
		this.accounts = context.getBean(UserAccounts.class);
		this.tokens = context.getBean(ApiTokens.class);
	}

	/** A plain user named {@code name-<random>} with a WRITE token. */
	public TestUser create(String name) {
		return create(name, Role.USER, TokenScope.WRITE);
	}

	/** An administrator named {@code name-<random>} with a WRITE token. */
	public TestUser createAdmin(String name) {
		return create(name, Role.ADMIN, TokenScope.WRITE);
	}

	/** A user with the given role whose token has the given scope. */
	public TestUser create(String name, Role role, TokenScope scope) {
		String username = name + "-" + HexFormat.of().formatHex(RANDOM.generateSeed(4));
		String password = "pw-" + HexFormat.of().formatHex(RANDOM.generateSeed(12));
		CurrentUser user = accounts.create(username, password, role);
		IssuedToken token = tokens.issue(user, "test token", scope, null);
		return new TestUser(user, password, token.token());
	}

	/** Another token for an existing test user. */
	public String newToken(TestUser user, TokenScope scope) {
		return tokens.issue(user.user(), "extra test token", scope, null).token();
	}

	/**
	 * A user created for a test.
	 *
	 * @param user the principal controllers receive; {@code user.id()} is the owner id
	 * @param password the login password (for form-login tests)
	 * @param token the full API token {@code vlm_<prefix>_<secret>}
	 */
	public record TestUser(CurrentUser user, String password, String token) {

		/** The {@code Authorization} header value. */
		public String bearer() {
			return "Bearer " + token;
		}

		/** MockMvc: adds the bearer header (for {@code /api/**}). */
		public RequestPostProcessor api() {
			return request -> {
				request.addHeader("Authorization", bearer());
				return request;
			};
		}

		/**
		 * MockMvc: authenticates a page request as this user, as form login would (the principal is the
		 * {@link CurrentUser}). Add {@code .with(csrf())} for POSTs. Does not authenticate {@code /api/**}.
		 */
		public RequestPostProcessor page() {
			var authorities = List.of(new SimpleGrantedAuthority(user.admin() ? "ROLE_ADMIN" : "ROLE_USER"));
			return authentication(new UsernamePasswordAuthenticationToken(user, null, authorities));
		}

	}

}

package dev.vlmr1.studio.security;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

import dev.vlmr1.studio.Slow;
import dev.vlmr1.studio.security.MatrixEntry.Surface;
import dev.vlmr1.studio.security.MatrixExpectations.Caller;
import dev.vlmr1.studio.security.MatrixExpectations.Target;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * T4.1, the generated authorization matrix: every handler Spring MVC maps has an {@link AuthorizationMatrix} entry,
 * and every entry answers each caller (anonymous, owner, other user, admin, READ token, revoked token; on pages
 * anonymous, a bearer token, owner, other user, admin) on its own, a foreign and a missing resource as the rules in
 * {@link MatrixExpectations} say. Foreign and missing resources give the same 404 body.
 */
@SpringBootTest
@AutoConfigureMockMvc
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Slow
class AuthorizationMatrixTests {

	private static final int PER_KIND = 5;

	@Autowired
	MockMvc mvc;

	@Autowired
	ApplicationContext context;

	@Autowired
	@Qualifier("requestMappingHandlerMapping")
	RequestMappingHandlerMapping mappings;

	MatrixWorld world;

	MatrixCalls calls;

	@BeforeAll
	void seed() throws Exception {
		world = new MatrixWorld(context, mvc, PER_KIND);
		calls = new MatrixCalls(mvc, world);
	}

	@Test
	void everyMappedHandlerHasAnEntryAndEveryEntryAHandler() {
		Set<String> mapped = MatrixHandlers.mappedKeys(mappings);
		Set<String> listed = new TreeSet<>();
		AuthorizationMatrix.ENTRIES.forEach(e -> assertThat(listed.add(e.key())).as("duplicate entry " + e).isTrue());
		assertThat(mapped).as("sanity: the handler mapping was read").contains("GET /api/runs/{id}", "GET /runs", "GET /api/datasets/{id}");
		assertThat(difference(mapped, listed)).as("handlers without an AuthorizationMatrix entry (deny by default: "
				+ "state who may call them)").isEmpty();
		Set<String> stale = difference(listed, mapped);
		AuthorizationMatrix.ENTRIES.stream().filter(e -> e.pendingBranch() != null).forEach(e -> stale.remove(e.key()));
		assertThat(stale).as("AuthorizationMatrix entries that name no handler").isEmpty();
		for (MatrixEntry entry : AuthorizationMatrix.ENTRIES) {
			assertThat(entry.pattern().startsWith("/api/")).as(entry + ": API entries are exactly the /api paths")
				.isEqualTo(entry.surface() == Surface.API);
		}
	}

	@Test
	void everyApiEndpointAnswersEachCallerAsTheMatrixSays() throws Exception {
		assertThat(check(Surface.API)).as("API cells that differ from the matrix").isEmpty();
	}

	@Test
	void everyPageAnswersEachCallerAsTheMatrixSays() throws Exception {
		assertThat(check(Surface.PAGE)).as("page cells that differ from the matrix").isEmpty();
	}

	@Test
	void openEndpointsNeedNoLogin() throws Exception {
		for (MatrixEntry entry : entries(Surface.OPEN)) {
			MockHttpServletResponse response = calls.perform(entry, Caller.ANONYMOUS, 0, Map.of()).getResponse();
			assertThat(response.getStatus()).as(entry.key()).isNotIn(401, 403);
			assertThat(String.valueOf(response.getRedirectedUrl())).as(entry.key()).doesNotEndWith("/login");
		}
	}

	@Test
	void unmappedPathsAreDeniedBeforeTheyAreNotFound() throws Exception {
		MatrixEntry api = AuthorizationMatrix.api("GET /api/no-such-endpoint");
		MatrixEntry page = AuthorizationMatrix.page("GET /no-such-page");
		assertThat(calls.perform(api, Caller.ANONYMOUS, 0, Map.of()).getResponse().getStatus()).isEqualTo(401);
		assertThat(calls.perform(api, Caller.REVOKED_TOKEN, 0, Map.of()).getResponse().getStatus()).isEqualTo(401);
		MockHttpServletResponse found = calls.perform(api, Caller.OWNER, 0, Map.of()).getResponse();
		assertThat(found.getStatus()).isEqualTo(404);
		assertThat(found.getContentType()).startsWith("application/problem+json");
		assertThat(calls.perform(page, Caller.ANONYMOUS, 0, Map.of()).getResponse().getRedirectedUrl()).endsWith("/login");
	}

	/**
	 * Spring's test context cache stops (pauses) a shared context while another runs and starts it again: the
	 * answers must not change (the run event streams' scheduler was once shut down for good by a stop).
	 */
	@Test
	void eventStreamsStillAnswerAfterTheContextWasStoppedAndStarted() throws Exception {
		ConfigurableApplicationContext configurable = (ConfigurableApplicationContext) context;
		configurable.stop();
		configurable.start();
		MatrixEntry events = AuthorizationMatrix.find("GET /api/runs/{id}/events");
		long run = world.seeded(world.alice, MatrixResource.FINISHED_RUN).get(0);
		assertThat(events).isNotNull();
		assertThat(calls.perform(events, Caller.OWNER, run, Map.of()).getResponse().getStatus()).isEqualTo(200);
	}

	private static boolean isOpenAiRoute(MatrixEntry entry) {
		String path = entry.key().substring(entry.key().indexOf(' ') + 1);
		return path.equals("/api/v1/chat/completions") || path.startsWith("/api/v1/models");
	}

	/** Every cell of the surface's entries; returns the cells that differ, each with what came back. */
	private List<String> check(Surface surface) throws Exception {
		List<String> failures = new ArrayList<>();
		for (MatrixEntry entry : entries(surface)) {
			for (Caller caller : MatrixExpectations.callers(entry)) {
				for (Target target : MatrixExpectations.targets(entry)) {
					failures.addAll(checkCell(entry, caller, target));
				}
			}
		}
		failures.addAll(seededObjectsUntouched());
		return failures;
	}

	private List<String> checkCell(MatrixEntry entry, Caller caller, Target target) throws Exception {
		int expected = MatrixExpectations.expected(entry, caller, target);
		long id = calls.targetId(entry, caller, target, expected);
		var references = world.references(calls.identity(caller));
		MockHttpServletResponse response = calls.perform(entry, caller, id, references).getResponse();
		String cell = entry.key() + " as " + caller + " on " + target + " (" + id + ")";
		List<String> failures = new ArrayList<>();
		if (response.getStatus() != expected) {
			failures.add(cell + ": " + response.getStatus() + ", expected " + expected + " " + snippet(response));
			return failures;
		}
		if (entry.surface() == Surface.API && expected >= 400 && isOpenAiRoute(entry)) {
			// the OpenAI-compatible routes answer OpenAI's error shape, which OpenAI's SDKs read
			if (!String.valueOf(response.getContentType()).startsWith("application/json")
					|| !response.getContentAsString().startsWith("{\"error\":{")) {
				failures.add(cell + ": " + expected + " is not an OpenAI error: " + snippet(response));
			}
		}
		else if (entry.surface() == Surface.API && expected >= 400
				&& !String.valueOf(response.getContentType()).startsWith("application/problem+json")) {
			failures.add(cell + ": " + expected + " is not a problem: " + response.getContentType());
		}
		String redirect = String.valueOf(response.getRedirectedUrl());
		boolean toLogin = expected == MatrixExpectations.LOGIN_REDIRECT && entry.surface() == Surface.PAGE
				&& (caller == Caller.ANONYMOUS || caller == Caller.BEARER_ON_PAGE);
		if (expected == 302 && redirect.endsWith("/login") != toLogin) {
			failures.add(cell + ": redirected to " + redirect);
		}
		// an admin reaches foreign resources: where even the authorized answer is 404 there is nothing hidden to compare
		boolean reachesForeign = caller == Caller.ADMIN && entry.success() == 404;
		if (entry.surface() == Surface.API && expected == 404 && target == Target.FOREIGN && !reachesForeign) {
			MockHttpServletResponse missing = calls.perform(entry, caller, MatrixWorld.MISSING, references).getResponse();
			String foreignBody = MatrixBodies.normalize(response.getContentAsString(), id, MatrixWorld.MISSING);
			String missingBody = MatrixBodies.normalize(missing.getContentAsString(), id, MatrixWorld.MISSING);
			if (missing.getStatus() != 404 || !foreignBody.equals(missingBody)) {
				failures.add(cell + ": foreign answer " + foreignBody + " differs from missing " + missing.getStatus() + " "
						+ missingBody);
			}
		}
		return failures;
	}

	/** Refused calls changed nothing: every seeded object is still there, with its owner. */
	private List<String> seededObjectsUntouched() {
		List<String> failures = new ArrayList<>();
		for (var user : List.of(world.alice, world.bob, world.admin)) {
			for (MatrixResource kind : MatrixResource.values()) {
				for (long id : kind == MatrixResource.NONE ? List.<Long>of() : world.seeded(user, kind)) {
					if (world.ownerOf(kind, id) != user.user().id() || !world.isLive(kind, id)) {
						failures.add("seeded " + kind + " " + id + " of " + user.user().username() + " was changed");
					}
				}
			}
		}
		return failures;
	}

	private List<MatrixEntry> entries(Surface surface) {
		return MatrixHandlers.activeEntries(mappings).stream().filter(e -> e.surface() == surface).toList();
	}

	private static String snippet(MockHttpServletResponse response) throws Exception {
		String body = response.getContentAsString();
		return (body.length() > 300 ? body.substring(0, 300) + "…" : body)
				+ (response.getRedirectedUrl() == null ? "" : " → " + response.getRedirectedUrl());
	}

	private static Set<String> difference(Set<String> a, Set<String> b) {
		Set<String> rest = new TreeSet<>(a);
		rest.removeAll(b);
		return rest;
	}

}

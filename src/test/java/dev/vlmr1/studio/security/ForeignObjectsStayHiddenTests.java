package dev.vlmr1.studio.security;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

import dev.vlmr1.studio.security.MatrixEntry.Surface;
import dev.vlmr1.studio.security.MatrixExpectations.Caller;
import dev.vlmr1.studio.web.TestUsers.TestUser;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * T4.1's list and reference half: with two users owning several objects of every kind, no list (API or page)
 * shows a plain user anything but their own objects, and naming someone else's object in a request body (a run's
 * model, datasets, reward configuration) is answered exactly as naming a missing one.
 */
@SpringBootTest
@AutoConfigureMockMvc
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ForeignObjectsStayHiddenTests {

	private static final int PER_KIND = 6;

	@Autowired
	MockMvc mvc;

	@Autowired
	ApplicationContext context;

	@Autowired
	JdbcClient jdbc;

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
	void listsShowOnlyTheCallersOwnObjectsAndAdminsEveryones() throws Exception {
		List<MatrixEntry> lists = MatrixHandlers.activeEntries(mappings).stream().filter(e -> e.listed() != null).toList();
		assertThat(lists).extracting(MatrixEntry::listed)
			.contains(MatrixResource.MODEL, MatrixResource.REWARD_CONFIG, MatrixResource.RUN, MatrixResource.TOKEN,
					MatrixResource.DATASET);
		List<String> failures = new ArrayList<>();
		for (MatrixEntry entry : lists) {
			for (Caller caller : List.of(Caller.OWNER, Caller.OTHER, Caller.ADMIN, Caller.READ_TOKEN)) {
				if (entry.surface() == Surface.PAGE && caller == Caller.READ_TOKEN) {
					continue;
				}
				failures.addAll(checkList(entry, caller));
			}
		}
		assertThat(failures).as("lists showing what they should not, or hiding what they should show").isEmpty();
	}

	@Test
	void namingAForeignObjectInABodyLooksLikeNamingAMissingOne() throws Exception {
		List<MatrixEntry> referring = MatrixHandlers.activeEntries(mappings)
			.stream()
			.filter(MatrixEntry::references)
			.toList();
		assertThat(referring).extracting(MatrixEntry::key).contains("POST /api/runs", "POST /runs");
		Map<String, Long> missing = Map.of("model", MatrixWorld.MISSING, "dataset", MatrixWorld.MISSING, "rewardConfig",
				MatrixWorld.MISSING);
		Map<String, Long> alices = world.references(world.alice);
		for (MatrixEntry entry : referring) {
			long bobsRuns = runsOf(world.bob);
			MvcResult foreign = calls.perform(entry, Caller.OTHER, 0, alices);
			MvcResult absent = calls.perform(entry, Caller.OTHER, 0, missing);
			assertThat(foreign.getResponse().getStatus()).as(entry + " naming alice's objects")
				.isNotEqualTo(entry.success())
				.isEqualTo(absent.getResponse().getStatus());
			// the same ids are blanked in both answers, so a count that happens to equal an id cannot differ
			long[] ids = LongStream.concat(alices.values().stream().mapToLong(Long::longValue),
					LongStream.of(MatrixWorld.MISSING)).toArray();
			assertThat(MatrixBodies.normalize(answer(entry, foreign), ids)).as(entry + ": foreign and missing answers")
				.isEqualTo(MatrixBodies.normalize(answer(entry, absent), ids))
				.isNotBlank();
			assertThat(runsOf(world.bob)).as(entry + " refused, so no run was created").isEqualTo(bobsRuns);
			// the same call naming bob's own objects is accepted: the refusal above is about ownership
			assertThat(calls.perform(entry, Caller.OTHER, 0, world.references(world.bob)).getResponse().getStatus())
				.as(entry + " naming bob's own objects").isEqualTo(entry.success());
		}
	}

	private long runsOf(TestUser user) {
		return jdbc.sql("SELECT count(*) FROM runs WHERE owner_id = ?").param(user.user().id()).query(Long.class).single();
	}

	private List<String> checkList(MatrixEntry entry, Caller caller) throws Exception {
		MatrixResource kind = entry.listed();
		MvcResult result = calls.perform(entry, caller, 0, Map.of());
		String where = entry.key() + " as " + caller;
		if (result.getResponse().getStatus() != 200) {
			return List.of(where + ": " + result.getResponse().getStatus());
		}
		List<Long> listed = MatrixBodies.listedIds(result, entry.listedIds());
		TestUser me = calls.identity(caller);
		List<String> failures = new ArrayList<>();
		List<TestUser> visible = MatrixExpectations.seesEveryone(entry, caller) ? List.of(world.alice, world.bob, me)
				: List.of(me);
		for (TestUser owner : visible) {
			if (!listed.containsAll(world.seeded(owner, kind))) {
				failures.add(where + ": misses some of " + owner.user().username() + "'s " + world.seeded(owner, kind));
			}
		}
		if (!MatrixExpectations.seesEveryone(entry, caller)) {
			for (long id : listed) {
				long owner = world.ownerOf(kind, id);
				if (owner != me.user().id()) {
					failures.add(where + ": shows " + kind + " " + id + " of user " + owner);
				}
			}
		}
		return failures;
	}

	/** What a caller learns from a refusal: the problem body (API) or the form's error messages (page). */
	private static String answer(MatrixEntry entry, MvcResult result) throws Exception {
		if (entry.surface() == Surface.API) {
			return result.getResponse().getContentAsString().replaceAll("\"instance\":\"[^\"]*\"", "");
		}
		return result.getModelAndView() == null ? "" : String.valueOf(result.getModelAndView().getModel().get("errors"));
	}

}

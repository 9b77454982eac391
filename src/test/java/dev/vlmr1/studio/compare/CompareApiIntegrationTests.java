package dev.vlmr1.studio.compare;

import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.context.ApplicationContext;
import org.springframework.http.MediaType;
import org.springframework.mock.web.MockHttpSession;
import org.springframework.test.web.servlet.MockMvc;

import dev.vlmr1.studio.web.TestUsers;
import dev.vlmr1.studio.web.TestUsers.TestUser;

import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestBuilders.formLogin;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/** {@code GET /api/compare}: SFT against GRPO with training and evaluation metrics, owner scoping, bad input. */
@SpringBootTest
@AutoConfigureMockMvc
class CompareApiIntegrationTests {

	@Autowired
	MockMvc mvc;

	@Autowired
	ApplicationContext context;

	ComparisonSeeds seeds;

	TestUser alice;

	TestUser bob;

	@BeforeEach
	void setUp() throws Exception {
		seeds = new ComparisonSeeds(mvc, context);
		TestUsers users = new TestUsers(context);
		alice = users.create("alice");
		bob = users.create("bob");
	}

	@Test
	void comparesSftAndGrpoRunsWithCurvesAndFinalValues() throws Exception {
		long model = seeds.model(alice, "tiny-base");
		// steps arrive out of order; a resumed attempt rewrites step 3 (the first value is archived)
		long grpo = seeds.start(alice, "grpo", model)
			.step(2, Map.of("reward", 0.5, "loss", 0.3, "kl", 0.02))
			.step(1, Map.of("reward", 0.1, "loss", 0.5, "kl", 0.0))
			.step(3, Map.of("reward", 0.99, "loss", 0.1))
			.resumeAfter(2)
			.step(3, Map.of("reward", 0.7, "loss", -0.25))
			.step(3, Map.of("eval/rec_accuracy", 0.62, "eval/ood/rec_accuracy", 0.55))
			.succeed()
			.id();
		long sft = seeds.start(alice, "sft", model)
			.step(1, Map.of("loss", 1.2))
			.step(2, Map.of("loss", 0.8, "eval/rec_accuracy", 0.58))
			.step(4, Map.of("loss", 0.9, "eval/rec_accuracy", 0.60, "eval/ood/rec_accuracy", 0.41))
			.id();

		mvc.perform(get("/api/compare").param("runs", grpo + "," + sft).with(alice.api()))
			.andExpect(status().isOk())
			.andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_JSON))
			.andExpect(jsonPath("$.metrics").value(contains("eval/ood/rec_accuracy", "eval/rec_accuracy", "reward",
					"loss", "kl")))
			.andExpect(jsonPath("$.runs[*].id").value(contains((int) grpo, (int) sft)))
			.andExpect(jsonPath("$.runIds").doesNotExist())
			.andExpect(jsonPath("$.runs[0].finals[0].lastText").doesNotExist())
			.andExpect(jsonPath("$.runs[0].name").value("#" + grpo + " grpo · tiny-base"))
			.andExpect(jsonPath("$.runs[0].type").value("grpo"))
			.andExpect(jsonPath("$.runs[0].state").value("SUCCEEDED"))
			.andExpect(jsonPath("$.runs[0].model.name").value("tiny-base"))
			.andExpect(jsonPath("$.runs[0].datasetIds", hasSize(1)))
			.andExpect(jsonPath("$.runs[0].hyperparameters.learning_rate").value(1e-5))
			.andExpect(jsonPath("$.runs[0].hyperparameters.num_generations").value(4))
			.andExpect(jsonPath("$.runs[1].hyperparameters.num_generations").doesNotExist())
			.andExpect(jsonPath("$.runs[1].type").value("sft"))
			.andExpect(jsonPath("$.runs[1].state").value("RUNNING"))
			// live rows only, by step
			.andExpect(jsonPath("$.runs[0].curves.reward[*].step").value(contains(1, 2, 3)))
			.andExpect(jsonPath("$.runs[0].curves.reward[*].value").value(contains(0.1, 0.5, 0.7)))
			.andExpect(jsonPath("$.runs[0].curves.kl[*].step").value(contains(1, 2)))
			// the final table: last value, best value with its step, evaluation metrics marked
			.andExpect(jsonPath("$.runs[0].finals[*].metric").value(contains("eval/ood/rec_accuracy",
					"eval/rec_accuracy", "reward", "loss", "kl")))
			.andExpect(jsonPath("$.runs[0].finals[2].last").value(0.7))
			.andExpect(jsonPath("$.runs[0].finals[2].lastStep").value(3))
			.andExpect(jsonPath("$.runs[0].finals[2].best").value(0.7))
			.andExpect(jsonPath("$.runs[0].finals[3].last").value(-0.25))
			.andExpect(jsonPath("$.runs[0].finals[3].best").value(-0.25))
			.andExpect(jsonPath("$.runs[0].finals[4].best").value(0.0))
			.andExpect(jsonPath("$.runs[0].finals[4].bestStep").value(1))
			.andExpect(jsonPath("$.runs[0].finals[1].eval").value(true))
			.andExpect(jsonPath("$.runs[0].finals[2].eval").value(false))
			.andExpect(jsonPath("$.runs[1].finals[*].metric").value(contains("eval/ood/rec_accuracy",
					"eval/rec_accuracy", "loss")))
			.andExpect(jsonPath("$.runs[1].finals[1].last").value(0.60))
			.andExpect(jsonPath("$.runs[1].finals[1].lastStep").value(4))
			.andExpect(jsonPath("$.runs[1].finals[2].last").value(0.9))
			.andExpect(jsonPath("$.runs[1].finals[2].best").value(0.8))
			.andExpect(jsonPath("$.runs[1].finals[2].bestStep").value(2));

		// the order asked for is kept, repeats are ignored, metrics can be narrowed
		mvc.perform(get("/api/compare?runs=" + sft + "&runs=" + grpo + "&runs=" + sft + "&metrics=kl,loss")
			.with(alice.api()))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.runs[*].id").value(contains((int) sft, (int) grpo)))
			.andExpect(jsonPath("$.metrics").value(contains("kl", "loss")))
			.andExpect(jsonPath("$.runs[0].curves.kl").doesNotExist())
			.andExpect(jsonPath("$.runs[1].finals[*].metric").value(contains("kl", "loss")));
	}

	@Test
	void aRunWithoutMetricsHasEmptyCurvesAndTable() throws Exception {
		long run = seeds.start(alice, "sft", seeds.model(alice, "m")).id();
		mvc.perform(get("/api/compare?runs=" + run).with(alice.api()))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.metrics", hasSize(0)))
			.andExpect(jsonPath("$.runs[0].finals", hasSize(0)))
			.andExpect(jsonPath("$.runs[0].evalDatasetId").value(nullValue()));
	}

	@Test
	void foreignAndMissingRunsAreTheSame404() throws Exception {
		long own = seeds.start(alice, "sft", seeds.model(alice, "m")).step(1, Map.of("loss", 1.0)).id();
		long foreign = seeds.start(bob, "sft", seeds.model(bob, "m")).step(1, Map.of("loss", 2.0)).id();
		long missing = foreign + 1_000_000;
		for (long other : new long[] { foreign, missing }) {
			mvc.perform(get("/api/compare?runs=" + own + "," + other).with(alice.api()))
				.andExpect(status().isNotFound())
				.andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
				.andExpect(jsonPath("$.detail").value("run " + other + " does not exist"));
			mvc.perform(get("/api/compare.csv?runs=" + other).with(alice.api())).andExpect(status().isNotFound());
		}
		mvc.perform(get("/api/compare?runs=" + foreign).with(bob.api())).andExpect(status().isOk());
	}

	@Test
	void anonymousAndSessionCookieCallersGet401FromTheApi() throws Exception {
		long run = seeds.start(alice, "sft", seeds.model(alice, "m")).id();
		// a real form login: the session cookie opens the page-side endpoints, never the API
		MockHttpSession session = (MockHttpSession) mvc
			.perform(formLogin("/login").user(alice.user().username()).password(alice.password()))
			.andExpect(status().is3xxRedirection())
			.andReturn()
			.getRequest()
			.getSession(false);
		for (String path : new String[] { "/api/compare?runs=" + run, "/api/compare.csv?runs=" + run }) {
			mvc.perform(get(path))
				.andExpect(status().isUnauthorized())
				.andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON));
			mvc.perform(get(path).session(session)).andExpect(status().isUnauthorized());
		}
		mvc.perform(get("/compare/data?runs=" + run).session(session))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.runs[0].id").value((int) run));
		mvc.perform(get("/compare.csv?runs=" + run).session(session)).andExpect(status().isOk());
		// anonymous browsers are sent to the login page
		mvc.perform(get("/compare/data?runs=" + run)).andExpect(status().is3xxRedirection());
	}

	@Test
	void badSelectionsAre400Problems() throws Exception {
		long run = seeds.start(alice, "sft", seeds.model(alice, "m")).id();
		String eleven = "900000001,900000002,900000003,900000004,900000005,900000006,900000007,900000008,900000009,"
				+ "900000010," + run;
		for (String query : new String[] { "", "?runs=", "?runs=%20", "?runs=,,", "?runs=abc", "?runs=" + eleven }) {
			mvc.perform(get("/api/compare" + query).with(alice.api()))
				.andExpect(status().isBadRequest())
				.andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON));
		}
		mvc.perform(get("/api/compare?runs=" + eleven).with(alice.api()))
			.andExpect(jsonPath("$.detail").value(containsString("1 to 10 run ids")));
		mvc.perform(get("/api/compare.csv?part=everything&runs=" + run).with(alice.api()))
			.andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.field").value("part"));
	}

}

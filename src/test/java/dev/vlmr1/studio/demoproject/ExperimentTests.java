package dev.vlmr1.studio.demoproject;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.MockMvc;

import dev.vlmr1.studio.Slow;
import dev.vlmr1.studio.executor.StudioHttp;
import dev.vlmr1.studio.executor.StudioHttp.Answer;
import dev.vlmr1.studio.experiment.ExperimentPlan;
import dev.vlmr1.studio.experiment.ExperimentSplits;
import dev.vlmr1.studio.synth.SynthSample;
import dev.vlmr1.studio.web.TestUsers;
import dev.vlmr1.studio.web.TestUsers.TestUser;

import static dev.vlmr1.studio.executor.StudioHttp.map;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.flash;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrl;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrlPattern;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * The RL-vs-SFT experiment's button, wired on a real database and the real REST API (no worker: run outcomes and
 * evaluation metrics are written where a worker writes them): the splits uploaded with the command's samples and
 * split fields, the base run queued with the plan's hyperparameters, the arms queued from its checkpoint, the table
 * assembled from the runs' last evaluations, owner scoping, bad plans, and the pages.
 */
@AutoConfigureMockMvc
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "studio.executor.register-interval=PT0.3S")
@Slow
class ExperimentTests {

	/** A plan small enough to upload in a second; the overridden fields as the API takes them. */
	static final Map<String, Object> SMALL = map("seed", 3, "pretrainSamples", 6, "trainSamples", 4, "testSamples", 3,
			"baseSteps", 6, "armSteps", 8, "promptsPerStep", 2, "generations", 2, "maxCompletionLength", 48);

	@LocalServerPort
	int port;

	@Autowired
	ApplicationContext context;

	@Autowired
	MockMvc mvc;

	@Autowired
	JdbcClient jdbc;

	TestUser alice;

	TestUser bob;

	StudioHttp http;

	@BeforeEach
	void users() {
		TestUsers users = new TestUsers(context);
		alice = users.create("xp");
		bob = users.create("xp-other");
		http = new StudioHttp(port, alice.bearer());
	}

	@Test
	void theExperimentUploadsTheSplitsAndQueuesTheBaseRunThenBothArmsFromItsCheckpoint() throws Exception {
		Answer created = http.post("/api/experiments", SMALL);
		assertThat(created.status()).as(created.body()).isEqualTo(201);
		long id = created.json().get("id").asLong();
		JsonNode view = launched(id);
		ExperimentPlan plan = PlanOverrides.apply(ExperimentPlan.standard(), SMALL);

		// the splits: the command's samples (same seeds and ids), the test rows marked with their split
		assertThat(datasetCount(view.get("pretrainDatasetId").asLong())).isEqualTo(6);
		assertThat(datasetCount(view.get("trainDatasetId").asLong())).isEqualTo(4);
		long test = view.get("testDatasetId").asLong();
		List<String> rows = jdbc.sql("SELECT sample_key || ' ' || (extra->>'split') || ' ' || solution FROM samples "
				+ "WHERE dataset_id = ? ORDER BY line").param(test).query(String.class).list();
		List<String> expected = new ArrayList<>();
		ExperimentSplits.draw(plan, ExperimentSplits.TEST_IN_DOMAIN).forEach((s) -> expected.add(row(s, "in_domain")));
		ExperimentSplits.draw(plan, ExperimentSplits.TEST_OUT_OF_DOMAIN).forEach((s) -> expected.add(row(s, "out_of_domain")));
		assertThat(rows).hasSize(6).isEqualTo(expected);
		assertThat(rows.get(0)).startsWith("test-id-");
		assertThat(rows.get(5)).startsWith("test-ood-");
		List<String> trainKeys = jdbc.sql("SELECT sample_key FROM samples WHERE dataset_id = ? ORDER BY line")
			.param(view.get("trainDatasetId").asLong()).query(String.class).list();
		assertThat(trainKeys).isEqualTo(ExperimentSplits.draw(plan, ExperimentSplits.TRAIN).stream().map(SynthSample::id).toList());

		// the base run: SFT on the pretrain split, evaluated once at its last step on every test sample
		JsonNode arms = view.get("arms");
		long base = arms.get(0).get("runId").asLong();
		JsonNode run = http.get("/api/runs/" + base).json();
		assertThat(run.get("type").asText()).isEqualTo("sft");
		assertThat(run.get("evalDatasetId").asLong()).isEqualTo(test);
		JsonNode hp = run.get("hyperparameters");
		assertThat(hp.get("max_steps").asInt()).isEqualTo(6);
		assertThat(hp.get("eval_steps").asInt()).isEqualTo(6);
		assertThat(hp.get("eval_samples").asInt()).isEqualTo(6);
		assertThat(hp.get("per_device_train_batch_size").asInt()).isEqualTo(2);
		assertThat(hp.get("lr_scheduler_type").asText()).isEqualTo("cosine");
		assertThat(hp.get("learning_rate").asDouble()).isEqualTo(plan.baseLearningRate());
		assertThat(hp.get("seed").asInt()).isEqualTo(3);
		assertThat(hp.get("max_completion_length").asInt()).isEqualTo(48);
		assertThat(arms.get(1).get("state").asText()).isEqualTo("WAITING");
		assertThat(arms.get(2).get("runId").isNull()).isTrue();
		assertThat(view.get("command").asText()).startsWith(
				"java -jar target/vlm-r1-studio-*.jar experiment rl-vs-sft --out experiment-" + id + " --seed 3 ")
			.contains("--pretrain-samples 6", "--base-steps 6", "--arm-steps 8", "--max-completion-length 48",
					"--base-lr " + plan.baseLearningRate());

		// the base run succeeds with a registered final checkpoint: both arms are queued from it
		long checkpointModel = finish(base, view.get("modelId").asLong(), 6);
		await().atMost(Duration.ofSeconds(20)).until(() -> !http.get("/api/experiments/" + id).json().get("arms")
			.get(2).get("runId").isNull() && !http.get("/api/experiments/" + id).json().get("arms").get(1).get("runId").isNull());
		arms = http.get("/api/experiments/" + id).json().get("arms");
		long sft = arms.get(1).get("runId").asLong();
		long grpo = arms.get(2).get("runId").asLong();
		JsonNode sftRun = http.get("/api/runs/" + sft).json();
		JsonNode grpoRun = http.get("/api/runs/" + grpo).json();
		assertThat(sftRun.get("modelId").asLong()).isEqualTo(checkpointModel);
		assertThat(grpoRun.get("modelId").asLong()).isEqualTo(checkpointModel);
		assertThat(sftRun.get("datasetIds").get(0).asLong()).isEqualTo(view.get("trainDatasetId").asLong());
		assertThat(grpoRun.get("rewardConfigId").asLong()).isEqualTo(view.get("rewardConfigId").asLong());
		JsonNode g = grpoRun.get("hyperparameters");
		assertThat(g.get("num_generations").asInt()).isEqualTo(2);
		assertThat(g.get("per_device_train_batch_size").asInt()).isEqualTo(2);
		assertThat(g.get("gradient_accumulation_steps").asInt()).as("one prompt per micro-batch, promptsPerStep of them")
			.isEqualTo(2);
		assertThat(g.get("beta").asDouble()).isEqualTo(plan.beta());
		assertThat(g.get("learning_rate").asDouble()).isEqualTo(plan.grpoLearningRate());
		assertThat(g.get("eval_steps").asInt()).as("8 steps: 4 evaluations, the last at step 8").isEqualTo(2);
		assertThat(sftRun.get("hyperparameters").get("learning_rate").asDouble()).isEqualTo(plan.sftLearningRate());
		assertThat(sftRun.get("hyperparameters").get("eval_steps").asInt()).isEqualTo(2);

		// the table: each run's last evaluation, null where a run has not been evaluated yet
		metrics(base, 6, 0.5, 0.45, 0.25, 0.2);
		metrics(grpo, 2, 0.1, 0.1, 0.1, 0.1);
		metrics(grpo, 4, 0.75, 0.7, 0.5, 0.4);
		JsonNode table = http.get("/api/experiments/" + id).json().get("arms");
		assertThat(table.get(0).get("inDomainAccuracy").asDouble()).isEqualTo(0.5);
		assertThat(table.get(0).get("outOfDomainMeanIou").asDouble()).isEqualTo(0.2);
		assertThat(table.get(0).get("evaluatedStep").asInt()).isEqualTo(6);
		assertThat(table.get(1).get("inDomainAccuracy").isNull()).as("SFT arm not evaluated yet").isTrue();
		assertThat(table.get(2).get("inDomainAccuracy").asDouble()).isEqualTo(0.75);
		assertThat(table.get(2).get("outOfDomainAccuracy").asDouble()).isEqualTo(0.5);
		assertThat(table.get(2).get("evaluatedStep").asInt()).isEqualTo(4);
		assertThat(http.get("/api/experiments/" + id).json().get("compareUrl").asText())
			.isEqualTo("/compare?runs=" + base + "&runs=" + sft + "&runs=" + grpo);

		// pages: the owner's, with the runs, the table, the compare link and the command; someone else's is 404
		mvc.perform(get("/experiments/" + id).with(alice.page()))
			.andExpect(status().isOk())
			.andExpect(content().string(containsString("/runs/" + grpo)))
			.andExpect(content().string(containsString("0.750")))
			.andExpect(content().string(containsString("experiment rl-vs-sft --out experiment-" + id)))
			.andExpect(content().string(containsString("/compare?runs=" + base)));
		mvc.perform(get("/experiments/" + id + "/data").with(alice.page()))
			.andExpect(status().isOk())
			.andExpect(content().string(containsString("\"inDomainAccuracy\":0.75")));
		mvc.perform(get("/experiments/" + id).with(bob.page())).andExpect(status().isNotFound());
		mvc.perform(get("/experiments").with(alice.page()))
			.andExpect(status().isOk())
			.andExpect(content().string(containsString("/experiments/" + id)));
	}

	@Test
	void badPlansAreRefusedWithEveryProblemAtOnce() throws Exception {
		Answer bad = http.post("/api/experiments", map("baseSteps", -3, "armSteps", 0, "seed", "seven", "beta", -1,
				"sftLearningRate", 2.5, "generations", 1, "trainSamples", 1.5, "shape", 3, "noSuchField", 1));
		assertThat(bad.status()).isEqualTo(400);
		assertThat(bad.json().get("type").asText()).endsWith("/experiment-invalid");
		List<String> fields = new ArrayList<>();
		bad.json().get("errors").forEach((e) -> fields.add(e.get("field").asText()));
		assertThat(fields).containsExactlyInAnyOrder("baseSteps", "armSteps", "seed", "beta", "sftLearningRate",
				"generations", "trainSamples", "shape", "noSuchField");
		assertThat(http.post("/api/experiments", map("testSamples", 1_000_000)).status()).isEqualTo(400);
		Answer notAnObject = http.post("/api/experiments", List.of(1, 2));
		assertThat(notAnObject.status()).isEqualTo(400);
		assertThat(notAnObject.body()).contains("\"status\":400");
		assertThat(jdbc.sql("SELECT count(*) FROM experiments WHERE owner_id = ?").param(alice.user().id())
			.query(Long.class).single()).as("nothing stored").isZero();
	}

	@Test
	void anotherUsersExperimentIsNotFoundLikeAMissingOne() throws Exception {
		long id = http.post("/api/experiments", SMALL).json().get("id").asLong();
		launched(id);
		StudioHttp bobs = new StudioHttp(port, bob.bearer());
		Answer foreign = bobs.get("/api/experiments/" + id);
		Answer missing = bobs.get("/api/experiments/987654321");
		assertThat(foreign.status()).isEqualTo(404);
		assertThat(missing.status()).isEqualTo(404);
		assertThat(foreign.body().replace(Long.toString(id), "{id}"))
			.isEqualTo(missing.body().replace("987654321", "{id}"));
		List<Long> bobsList = new ArrayList<>();
		bobs.get("/api/experiments").json().forEach((e) -> bobsList.add(e.get("id").asLong()));
		assertThat(bobsList).doesNotContain(id);
		List<Long> alicesList = new ArrayList<>();
		http.get("/api/experiments").json().forEach((e) -> alicesList.add(e.get("id").asLong()));
		assertThat(alicesList).contains(id);
	}

	@Test
	void theHomePageButtonStartsTheExperimentAndABadFormIsShown() throws Exception {
		mvc.perform(get("/").with(alice.page()))
			.andExpect(status().isOk())
			.andExpect(content().string(containsString("action=\"/experiments\"")))
			.andExpect(content().string(containsString("Run the RL-vs-SFT experiment")));
		mvc.perform(post("/experiments").with(alice.page())).andExpect(status().isForbidden());
		mvc.perform(post("/experiments").with(alice.page()).with(csrf()).param("pretrainSamples", "4")
			.param("trainSamples", "2").param("testSamples", "1").param("baseSteps", "1").param("armSteps", "1")
			.param("seed", "")).andExpect(redirectedUrlPattern("/experiments/*"));
		long id = jdbc.sql("SELECT max(id) FROM experiments WHERE owner_id = ?").param(alice.user().id())
			.query(Long.class).single();
		JsonNode view = launched(id);
		assertThat(view.get("plan").get("pretrainSamples").asInt()).isEqualTo(4);
		assertThat(view.get("plan").get("seed").asLong()).as("blank: the standard plan's")
			.isEqualTo(ExperimentPlan.standard().seed());
		mvc.perform(post("/experiments").with(alice.page()).with(csrf()).param("baseSteps", "-1"))
			.andExpect(redirectedUrl("/experiments"))
			.andExpect(flash().attribute("experimentError", containsString("baseSteps must be between 1 and")));
	}

	@Test
	void anExperimentLeftPreparingByARestartIsMarkedFailed() throws Exception {
		long id = jdbc.sql("INSERT INTO experiments (owner_id, plan) VALUES (?, '{}'::jsonb) RETURNING id")
			.param(alice.user().id()).query(Long.class).single();
		context.getBean(ExperimentLauncher.class).abandonInterrupted();
		JsonNode view = http.get("/api/experiments/" + id).json();
		assertThat(view.get("state").asText()).isEqualTo("FAILED");
		assertThat(view.get("message").asText()).contains("start it again");
		assertThat(view.get("arms").get(0).get("state").asText()).isEqualTo("NOT_STARTED");
	}

	private JsonNode launched(long id) throws Exception {
		await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
			.until(() -> !http.get("/api/experiments/" + id).json().get("state").asText().equals("PREPARING"));
		JsonNode view = http.get("/api/experiments/" + id).json();
		assertThat(view.get("state").asText()).as(view.toString()).isEqualTo("LAUNCHED");
		return view;
	}

	private long datasetCount(long dataset) {
		return jdbc.sql("SELECT sample_count FROM datasets WHERE id = ?").param(dataset).query(Long.class).single();
	}

	private static String row(SynthSample s, String split) {
		return s.id() + " " + split + " " + s.solution();
	}

	/** What a worker leaves when a run succeeded: the state, its final checkpoint registered as a model. */
	private long finish(long run, long model, int step) {
		String path = jdbc.sql("SELECT path FROM models WHERE id = ?").param(model).query(String.class).single();
		long checkpointModel = jdbc.sql("""
				INSERT INTO models (owner_id, name, path, model_type, source_run_id)
				SELECT owner_id, name || '-ckpt', path, model_type, ? FROM models WHERE id = ? RETURNING id""")
			.params(run, model).query(Long.class).single();
		jdbc.sql("INSERT INTO checkpoints (run_id, step, attempt, path, model_id) VALUES (?, ?, 1, ?, ?)")
			.params(run, step, path, checkpointModel).update();
		jdbc.sql("UPDATE runs SET state = 'SUCCEEDED', current_step = ?, total_steps = ? WHERE id = ?")
			.params(step, step, run).update();
		return checkpointModel;
	}

	private void metrics(long run, int step, double idAccuracy, double idIou, double oodAccuracy, double oodIou) {
		Map<String, Double> values = Map.of("eval/rec_accuracy/in_domain", idAccuracy, "eval/rec_mean_iou/in_domain",
				idIou, "eval/rec_accuracy/out_of_domain", oodAccuracy, "eval/rec_mean_iou/out_of_domain", oodIou,
				"eval/rec_accuracy", (idAccuracy + oodAccuracy) / 2);
		values.forEach((name, value) -> jdbc
			.sql("INSERT INTO run_metrics (run_id, attempt, step, name, value) VALUES (?, 1, ?, ?, ?)")
			.params(run, step, name, value).update());
	}

}

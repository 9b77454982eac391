package dev.vlmr1.studio.executor;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

import dev.vlmr1.studio.Slow;
import dev.vlmr1.studio.synth.TinyModelCreator;
import dev.vlmr1.studio.executor.StudioHttp.Answer;
import dev.vlmr1.studio.synth.SynthTask;
import dev.vlmr1.studio.synth.SyntheticDataset;
import dev.vlmr1.studio.synth.SyntheticDatasetWriter;
import dev.vlmr1.studio.synth.TinyQwenVl;
import dev.vlmr1.studio.web.StudioProperties;
import dev.vlmr1.studio.run.RunPageBrowserTests;
import dev.vlmr1.studio.web.TestModels;
import dev.vlmr1.studio.web.TestUsers;
import dev.vlmr1.studio.web.TestUsers.TestUser;

import static dev.vlmr1.studio.executor.StudioHttp.map;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Runs execute end to end with the real trainer, in real worker processes started by the application's local
 * dispatcher, on the embedded database: a tiny model registered, a synthetic REC dataset uploaded over HTTP, SFT
 * for a few steps, GRPO from the SFT checkpoint (registered in the catalog by itself), metrics over REST, events
 * over SSE, and the REC demo answering for the GRPO checkpoint. A dataset whose stored image was corrupted fails
 * with reason DATA; a cancel stops a real run.
 */
@AutoConfigureMockMvc
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "studio.executor.local.enabled=true", "studio.executor.sweeper-enabled=true",
				"studio.executor.heartbeat=PT1S", "studio.executor.poll-interval=PT0.2S",
				"studio.executor.register-interval=PT0.3S", "studio.runs.lease=PT20S", "studio.executor.retry-base=PT1S" })
@Slow
class RealTrainingEndToEndTests {

	private static final Duration RUN_TIMEOUT = Duration.ofSeconds(150);

	@LocalServerPort
	int port;

	@Autowired
	ApplicationContext context;

	@Autowired
	StudioProperties studio;

	@Autowired
	JdbcClient jdbc;

	StudioHttp http;

	TestUser user;

	@BeforeEach
	void user() {
		user = new TestUsers(context).create("e2e");
		http = new StudioHttp(port, user.bearer());
	}

	@Test
	void sftThenGrpoTrainAndTheCheckpointAnswersInTheRecDemo() throws Exception {
		long model = tinyModel("tiny-e2e");
		Path data = synthetic(7, 8, "rec_train");
		long dataset = upload("synthetic-rec", data);
		Answer reward = http.post("/api/reward-configs", map("name", "rec-e2e", "description", "REC preset", "terms",
				List.of(map("function", "iou", "weight", 1.0), map("function", "format_rec", "weight", 1.0))));
		assertThat(reward.status()).as(reward.body()).isEqualTo(201);

		long sft = queue(map("type", "sft", "modelId", model, "datasetIds", List.of(dataset), "hyperparameters",
				map("max_steps", 3, "save_steps", 2, "learning_rate", 1e-3,
						"per_device_train_batch_size", 2, "gradient_accumulation_steps", 1)));
		assertSucceeded(sft);
		assertContiguous(sft, "loss", 3);
		List<Long> sftCheckpoints = checkpointSteps(sft);
		assertThat(sftCheckpoints).containsExactly(2L, 3L);
		JsonNode sftModel = registeredModelOf(sft, 3);
		assertThat(sftModel.get("path").asText()).endsWith("checkpoint-3");

		long grpo = queue(map("type", "grpo", "modelId", sftModel.get("id").asLong(), "datasetIds", List.of(dataset),
				"rewardConfigId", reward.json().get("id").asLong(), "hyperparameters",
				map("max_steps", 2, "save_steps", 2, "learning_rate", 1e-4, "num_generations", 2,
						"per_device_train_batch_size", 2, "gradient_accumulation_steps", 1, "max_completion_length", 48)));
		String events = http.events(grpo, "SUCCEEDED", RUN_TIMEOUT);
		assertSucceeded(grpo);
		assertThat(events).contains("event:metrics").contains("event:checkpoint").contains("SUCCEEDED");
		assertContiguous(grpo, "loss", 2);
		assertContiguous(grpo, "reward", 2);
		assertContiguous(grpo, "rewards/iou/mean", 2);
		assertContiguous(grpo, "rewards/format_rec/mean", 2);
		assertContiguous(grpo, "kl", 2);
		JsonNode grpoModel = registeredModelOf(grpo, 2);
		JsonNode rollouts = http.get("/api/runs/" + grpo + "/rollouts?step=1").json();
		assertThat(rollouts.get("steps")).hasSize(2);
		JsonNode first = rollouts.get("samples").get(0);
		assertThat(rollouts.get("samples")).hasSize(2); // one prompt × G = 2
		assertThat(first.get("rewards").has("iou")).isTrue();
		assertThat(first.get("truthBoxes")).as("the REC sample's ground truth box").hasSize(1);
		Answer galleryImage = http.get("/api/runs/" + grpo + "/rollouts/1/0/images/0");
		assertThat(galleryImage.status()).isEqualTo(200);
		assertThat(events).contains("event:rollouts");

		byte[] image = Files.readAllBytes(data.resolveSibling("images").resolve("rec-train-0.png"));
		Answer demo = http.post("/api/demo/rec", map("modelId", grpoModel.get("id").asLong(), "expression", "the circle",
				"max_new_tokens", 12, "image", "data:image/png;base64," + Base64.getEncoder().encodeToString(image)));
		assertThat(demo.status()).as(demo.body()).isEqualTo(200);
		assertThat(demo.json().get("modelId").asLong()).isEqualTo(grpoModel.get("id").asLong());
		assertThat(demo.json().has("completion")).isTrue();
	}

	@Test
	void aCorruptStoredImageFailsTheRunWithDataAndACancelStopsARealRun() throws Exception {
		long model = tinyModel("tiny-e2e-bad");
		long dataset = upload("synthetic-rec-corrupt", synthetic(11, 3, "rec_corrupt"));
		String sha = jdbc.sql("SELECT images->0->>'sha256' FROM samples WHERE dataset_id = ? ORDER BY id LIMIT 1")
			.param(dataset).query(String.class).single();
		Path stored = studio.artifactsDir().resolve("images").resolve(sha.substring(0, 2)).resolve(sha.substring(2));
		stored.toFile().setWritable(true);
		Files.write(stored, new byte[] { 1, 2, 3, 4 });

		long bad = queue(map("type", "sft", "modelId", model, "datasetIds", List.of(dataset), "hyperparameters",
				map("max_steps", 2, "per_device_train_batch_size", 2, "gradient_accumulation_steps", 1)));
		JsonNode failed = awaitTerminal(bad);
		assertThat(failed.get("state").asText()).isEqualTo("FAILED");
		assertThat(failed.get("stateReason").asText()).startsWith("DATA:").contains("corrupt").contains(sha);
		assertThat(failed.get("attempt").asInt()).as("DATA is not retried").isEqualTo(1);

		long good = upload("synthetic-rec-cancel", synthetic(13, 4, "rec_cancel"));
		long run = queue(map("type", "sft", "modelId", model, "datasetIds", List.of(good), "hyperparameters",
				map("max_steps", 400, "per_device_train_batch_size", 2, "gradient_accumulation_steps", 1)));
		await().atMost(RUN_TIMEOUT).pollInterval(Duration.ofMillis(300))
			.until(() -> http.get("/api/runs/" + run).json().get("currentStep").asInt() >= 1);
		Answer cancel = http.post("/api/runs/" + run + "/cancel", Map.of());
		assertThat(cancel.status()).as(cancel.body()).isEqualTo(200);
		JsonNode cancelled = awaitTerminal(run);
		assertThat(cancelled.get("state").asText()).isEqualTo("CANCELLED");
		assertThat(cancelled.get("currentStep").asInt()).isLessThan(400);
	}

	@Test
	void aKilledWorkerCostsOnlyTheStepsSinceTheLastCheckpoint() throws Exception {
		long model = tinyModel("tiny-e2e-kill");
		long dataset = upload("synthetic-rec-kill", synthetic(17, 6, "rec_kill"));
		long run = queue(map("type", "sft", "modelId", model, "datasetIds", List.of(dataset), "maxAttempts", 3,
				"hyperparameters", map("max_steps", 8, "save_steps", 2,
						"per_device_train_batch_size", 2, "gradient_accumulation_steps", 1)));
		await().atMost(RUN_TIMEOUT).pollInterval(Duration.ofMillis(100))
			.until(() -> jdbc.sql("SELECT count(*) FROM checkpoints WHERE run_id = ?").param(run).query(Integer.class)
				.single() >= 1 && http.get("/api/runs/" + run).json().get("currentStep").asInt() >= 3);
		List<Long> pids = context.getBean(LocalProcessDispatcher.class).workerPids();
		assertThat(pids).hasSize(1);
		new ProcessBuilder("kill", "-9", Long.toString(pids.get(0))).start().waitFor();

		assertSucceeded(run);
		assertContiguous(run, "loss", 8);
		List<Map<String, Object>> attempts = jdbc.sql(
				"SELECT attempt, outcome, failure, resumed_from_step FROM run_attempts WHERE run_id = ? ORDER BY attempt")
			.param(run).query().listOfRows();
		assertThat(attempts).hasSize(2);
		assertThat(attempts.get(0)).containsEntry("outcome", "LOST").containsEntry("failure", "WORKER_LOST");
		assertThat((Integer) attempts.get(1).get("resumed_from_step")).as("resumed from a checkpoint").isGreaterThanOrEqualTo(2);
		assertThat(checkpointSteps(run)).containsExactly(2L, 4L, 6L, 8L);

		// the same run uninterrupted: the resumed run's losses are the same numbers (exact resume)
		long straight = queue(map("type", "sft", "modelId", model, "datasetIds", List.of(dataset), "hyperparameters",
				map("max_steps", 8, "save_steps", 2, "per_device_train_batch_size", 2,
						"gradient_accumulation_steps", 1)));
		assertSucceeded(straight);
		assertThat(values(run, "loss")).containsExactlyElementsOf(values(straight, "loss"));
	}

	@Test
	void aGrpoRunWhoseCompletionsCannotHoldAnAnswerIsRefusedBeforeItIsQueued() throws Exception {
		long model = tinyModel("tiny-e2e-short");
		long dataset = upload("synthetic-rec-short", synthetic(37, 4, "rec_short"));
		Answer reward = http.post("/api/reward-configs", map("name", "rec-e2e-short", "description", "REC", "terms",
				List.of(map("function", "iou", "weight", 1.0))));
		long runsBefore = jdbc.sql("SELECT count(*) FROM runs").query(Long.class).single();
		Answer refused = http.post("/api/runs", map("type", "grpo", "modelId", model, "datasetIds", List.of(dataset),
				"rewardConfigId", reward.json().get("id").asLong(), "hyperparameters",
				map("max_completion_length", 12, "max_prompt_length", 16, "num_generations", 2,
						"per_device_train_batch_size", 2, "gradient_accumulation_steps", 1)));
		assertThat(refused.status()).as(refused.body()).isEqualTo(400);
		JsonNode errors = refused.json().get("errors");
		assertThat(errors.findValuesAsText("field")).containsExactly("hyperparameters.max_completion_length",
				"hyperparameters.max_prompt_length");
		assertThat(errors.get(0).get("message").asText()).contains("4 of 4 answers do not fit", "max_completion_length ≥");
		assertThat(errors.get(1).get("message").asText()).contains("image tokens", "max_prompt_length ≥");
		assertThat(jdbc.sql("SELECT count(*) FROM runs").query(Long.class).single()).as("nothing queued").isEqualTo(runsBefore);
	}

	@Test
	void aPreemptedWorkerCheckpointsItsStepAndTheRunResumesThereExactly() throws Exception {
		long model = tinyModel("tiny-e2e-preempt");
		long dataset = upload("synthetic-rec-preempt", synthetic(19, 6, "rec_preempt"));
		Map<String, Object> hyperparameters = map("max_steps", 8, "save_steps", 100,
				"per_device_train_batch_size", 2, "gradient_accumulation_steps", 1);
		long run = queue(map("type", "sft", "modelId", model, "datasetIds", List.of(dataset), "maxAttempts", 1,
				"hyperparameters", hyperparameters));
		await().atMost(RUN_TIMEOUT).pollInterval(Duration.ofMillis(100))
			.until(() -> http.get("/api/runs/" + run).json().get("currentStep").asInt() >= 3);
		List<Long> pids = context.getBean(LocalProcessDispatcher.class).workerPids();
		assertThat(pids).hasSize(1);
		new ProcessBuilder("kill", "-TERM", Long.toString(pids.get(0))).start().waitFor(); // as Slurm preempts

		assertSucceeded(run);
		List<Map<String, Object>> attempts = jdbc.sql(
				"SELECT attempt, outcome, last_step, resumed_from_step FROM run_attempts WHERE run_id = ? ORDER BY attempt")
			.param(run).query().listOfRows();
		assertThat(attempts).hasSize(2);
		assertThat(attempts.get(0)).containsEntry("outcome", "PREEMPTED");
		int stoppedAt = (Integer) attempts.get(0).get("last_step");
		assertThat(attempts.get(1)).containsEntry("resumed_from_step", stoppedAt).containsEntry("outcome", "SUCCEEDED");
		assertThat(checkpointSteps(run)).as("save_steps 100: only the preemption's and the final checkpoint")
			.containsExactly((long) stoppedAt, 8L);
		assertContiguous(run, "loss", 8);

		long straight = queue(map("type", "sft", "modelId", model, "datasetIds", List.of(dataset), "hyperparameters",
				hyperparameters));
		assertSucceeded(straight);
		assertThat(values(run, "loss")).as("exact resume").containsExactlyElementsOf(values(straight, "loss"));
	}

	@Test
	void anEvalRunAndPeriodicEvaluationRecordHeldOutMetricsOverRest() throws Exception {
		long model = tinyModel("tiny-e2e-eval");
		long train = upload("synthetic-rec-eval-train", synthetic(23, 2, "rec_eval_train"));
		long heldOut = upload("synthetic-rec-eval-held", synthetic(29, 3, "rec_eval_held"));
		long eval = queue(map("type", "eval", "modelId", model, "datasetIds", List.of(heldOut), "hyperparameters",
				map("eval_samples", 0, "eval_batch_size", 2, "max_completion_length", 8)));
		assertSucceeded(eval);
		assertThat(values(eval, "eval/rec_accuracy")).hasSize(1).allSatisfy(v -> assertThat(v).isBetween(0.0, 1.0));
		JsonNode results = http.get("/api/runs/" + eval + "/eval-results").json();
		assertThat(results.get("step").asInt()).isEqualTo(1);
		assertThat(results.get("total").asInt()).isEqualTo(3);
		assertThat(results.get("items").get(0).get("truthBoxes")).hasSize(1);
		assertThat(http.get(results.get("items").get(0).get("imageUrl").asText()).status()).isEqualTo(200);

		Answer reward = http.post("/api/reward-configs", map("name", "rec-e2e-eval", "description", "REC", "terms",
				List.of(map("function", "iou", "weight", 1.0))));
		long grpo = queue(map("type", "grpo", "modelId", model, "datasetIds", List.of(train), "evalDatasetId", heldOut,
				"rewardConfigId", reward.json().get("id").asLong(), "hyperparameters",
				map("max_steps", 2, "num_generations", 2, "per_device_train_batch_size", 2, "gradient_accumulation_steps", 1,
						"max_completion_length", 48, "eval_steps", 1, "eval_samples", 2, "eval_batch_size", 2)));
		assertSucceeded(grpo);
		assertContiguous(grpo, "reward", 2);
		assertContiguous(grpo, "eval/rec_accuracy", 2);
		assertThat(http.get("/api/runs/" + grpo + "/eval-results?step=2").json().get("total").asInt()).isEqualTo(2);
	}

	@Test
	void aGrpoRunWhoseCompletionsAreCutSaysSoOnItsPage() throws Exception {
		assumeTrue(Files.isExecutable(RunPageBrowserTests.CHROMIUM) && Files.isExecutable(RunPageBrowserTests.CHROMEDRIVER),
				"Chromium is not installed");
		long model = tinyModel("tiny-e2e-cut");
		long dataset = upload("synthetic-rec-cut", synthetic(31, 4, "rec_cut"));
		Answer reward = http.post("/api/reward-configs", map("name", "rec-e2e-cut", "description", "REC", "terms",
				List.of(map("function", "iou", "weight", 1.0), map("function", "format_rec", "weight", 1.0))));
		// the answers fit in 48 tokens (the run is accepted), but an untrained model rambles: every completion is cut
		long grpo = queue(map("type", "grpo", "modelId", model, "datasetIds", List.of(dataset), "rewardConfigId",
				reward.json().get("id").asLong(), "hyperparameters",
				map("max_steps", RealTrainingJob.LEARNING_SIGNAL_WINDOW + 1, "save_steps", 100, "num_generations", 2,
						"per_device_train_batch_size", 2, "gradient_accumulation_steps", 1, "max_completion_length", 48)));
		String events = http.events(grpo, "SUCCEEDED", RUN_TIMEOUT);
		assertSucceeded(grpo);
		assertThat(values(grpo, "completions/clipped_ratio")).hasSize(RealTrainingJob.LEARNING_SIGNAL_WINDOW + 1);
		assertThat(values(grpo, "rewards/iou/parsed")).allSatisfy(v -> assertThat(v).isZero());
		assertThat(events).contains("event:alarm").contains("\"kind\": \"truncation\"");

		WebDriver browser = RunPageBrowserTests.chromium();
		try {
			String base = "http://localhost:" + port;
			RunPageBrowserTests.logIn(browser, base, user);
			browser.get(base + "/runs/" + grpo);
			WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
			wait.ignoring(StaleElementReferenceException.class);
			By banner = By.cssSelector("#run-alarms [data-alarm-kind=truncation]");
			wait.until(ExpectedConditions.visibilityOfElementLocated(banner));
			assertThat(browser.findElement(banner).getText()).contains("Completions are cut off",
					"max_completion_length = 48", "Raise max_completion_length");
			assertThat(browser.findElements(By.cssSelector("#run-alarms [data-alarm-kind]"))).as("one banner, with the cause")
				.hasSize(1);
		}
		finally {
			browser.quit();
		}
	}

	private List<Double> values(long run, String metric) throws Exception {
		List<Double> values = new ArrayList<>();
		http.get("/api/runs/" + run + "/metrics?name=" + metric).json().get("points")
			.forEach(p -> values.add(p.get("value").asDouble()));
		return values;
	}

	private long tinyModel(String name) throws Exception {
		Path dir = TestModels.importRoot(context).resolve(name + "-" + System.nanoTime());
		TinyModelCreator.create(dir, 1, List.of(), 512, TinyQwenVl.DEFAULT);
		Answer registered = http.post("/api/models", map("name", name + "-" + System.nanoTime(), "path", dir.toString()));
		assertThat(registered.status()).as(registered.body()).isEqualTo(201);
		return registered.json().get("id").asLong();
	}

	private Path synthetic(long seed, int count, String name) {
		Path dir = studio.dataDir().toAbsolutePath().resolve("synth-" + name + "-" + System.nanoTime());
		var samples = new SyntheticDataset(seed, 112, 112).generate(SynthTask.REC, SyntheticDataset.Split.IN_DOMAIN, count,
				name.replace('_', '-'));
		return SyntheticDatasetWriter.write(samples, dir, name);
	}

	private long upload(String name, Path jsonl) throws Exception {
		Answer uploaded = http.uploadDataset(name, jsonl);
		assertThat(uploaded.status()).as(uploaded.body()).isEqualTo(201);
		return uploaded.json().get("id").asLong();
	}

	private long queue(Map<String, Object> body) throws Exception {
		Answer created = http.post("/api/runs", body);
		assertThat(created.status()).as(created.body()).isEqualTo(201);
		return created.json().get("id").asLong();
	}

	private JsonNode awaitTerminal(long run) {
		List<JsonNode> last = new ArrayList<>();
		await().atMost(RUN_TIMEOUT).pollInterval(Duration.ofMillis(300)).until(() -> {
			JsonNode view = http.get("/api/runs/" + run).json();
			last.add(0, view);
			return List.of("SUCCEEDED", "FAILED", "CANCELLED").contains(view.get("state").asText());
		});
		return last.get(0);
	}

	private void assertSucceeded(long run) throws Exception {
		JsonNode view = awaitTerminal(run);
		assertThat(view.get("state").asText()).as(view.toString() + " log: " + http.get("/api/runs/" + run + "/attempts/diagnostics").body())
			.isEqualTo("SUCCEEDED");
	}

	private void assertContiguous(long run, String metric, int steps) throws Exception {
		JsonNode points = http.get("/api/runs/" + run + "/metrics?name=" + java.net.URLEncoder.encode(metric,
				java.nio.charset.StandardCharsets.UTF_8)).json().get("points");
		List<Integer> seen = new ArrayList<>();
		points.forEach(p -> {
			seen.add(p.get("step").asInt());
			assertThat(Double.isFinite(p.get("value").asDouble())).isTrue();
		});
		assertThat(seen).as(metric).containsExactlyElementsOf(java.util.stream.IntStream.rangeClosed(1, steps).boxed().toList());
	}

	private List<Long> checkpointSteps(long run) throws Exception {
		List<Long> steps = new ArrayList<>();
		http.get("/api/runs/" + run + "/checkpoints").json().forEach(c -> steps.add(c.get("step").asLong()));
		return steps;
	}

	private JsonNode registeredModelOf(long run, int finalStep) {
		List<JsonNode> found = new ArrayList<>();
		await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).until(() -> {
			for (JsonNode m : http.get("/api/models").json()) {
				if (m.hasNonNull("sourceRunId") && m.get("sourceRunId").asLong() == run
						&& m.get("path").asText().endsWith("checkpoint-" + finalStep)) {
					found.add(m);
					return true;
				}
			}
			return false;
		});
		return found.get(0);
	}

}

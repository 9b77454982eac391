package dev.vlmr1.studio.run;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;

import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MvcResult;

import dev.vlmr1.studio.web.CurrentUser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/** {@code /api/runs} over HTTP: validation, ownership, cancel, metrics and Idempotency-Key (T5.4). */
@org.springframework.test.context.event.RecordApplicationEvents
class RunApiTests extends RunTestSupport {

	@org.springframework.beans.factory.annotation.Autowired
	private org.springframework.test.context.event.ApplicationEvents events;

	@Test
	void everyViolationIsReportedAtOnce() throws Exception {
		CurrentUser alice = newUser(false);
		String body = """
				{"type": "grpo", "datasetIds": ["x"], "colour": "red",
				 "hyperparameters": {"num_generations": 1, "learning_rate": 0, "beta": -1, "epsilon": 0,
				   "temperature": 0, "top_p": 1.5, "loss_type": "sum", "seed": "42", "max_steps": 2.5,
				   "freeze_vision": "yes", "lerning_rate": 1e-5}}""";
		mvc.perform(post("/api/runs").with(as(alice)).contentType(MediaType.APPLICATION_JSON).content(body))
			.andExpect(status().isBadRequest())
			.andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
			.andExpect(jsonPath("$.type").value("https://vlm-r1.dev/problems/run-invalid"))
			.andExpect(jsonPath("$.errors", hasSize(15)))
			.andExpect(jsonPath("$.errors[*].field").value(org.hamcrest.Matchers.containsInAnyOrder("colour", "modelId",
					"datasetIds[0]", "rewardConfigId", "hyperparameters.num_generations",
					"hyperparameters.learning_rate", "hyperparameters.beta", "hyperparameters.epsilon",
					"hyperparameters.temperature", "hyperparameters.top_p", "hyperparameters.loss_type",
					"hyperparameters.seed", "hyperparameters.max_steps", "hyperparameters.freeze_vision",
					"hyperparameters.lerning_rate")))
			.andExpect(jsonPath("$.errors[?(@.field == 'hyperparameters.num_generations')].message")
				.value("must be ≥ 2; got 1"))
			.andExpect(jsonPath("$.errors[?(@.field == 'hyperparameters.learning_rate')].message")
				.value("must be > 0; got 0"))
			.andExpect(jsonPath("$.errors[?(@.field == 'hyperparameters.top_p')].message").value("must be ≤ 1; got 1.5"))
			.andExpect(jsonPath("$.errors[?(@.field == 'hyperparameters.seed')].message")
				.value("must be an integer; got the string \"42\""))
			.andExpect(jsonPath("$.errors[?(@.field == 'hyperparameters.loss_type')].message")
				.value("must be one of grpo, bnpo, dr_grpo, dapo; got the string \"sum\""))
			.andExpect(jsonPath("$.errors[?(@.field == 'rewardConfigId')].message")
				.value("is required for grpo runs: the rewards to optimise"));
		assertThat(jdbc.sql("SELECT count(*) FROM runs WHERE owner_id = ?").param(alice.id()).query(Long.class).single())
			.isZero();
	}

	@Test
	void crossFieldRulesAndReferencesAreChecked() throws Exception {
		CurrentUser alice = newUser(false);
		CurrentUser bob = newUser(false);
		long bobsDataset = newDataset(bob);
		String body = """
				{"type": "grpo", "modelId": 1, "datasetIds": [%d], "rewardConfigId": 999999,
				 "hyperparameters": {"num_generations": 4, "per_device_train_batch_size": 3,
				   "gradient_accumulation_steps": 1, "epsilon": 0.3, "epsilon_high": 0.2,
				   "warmup_steps": 10, "warmup_ratio": 0.1}}""".formatted(bobsDataset);
		mvc.perform(post("/api/runs").with(as(alice)).contentType(MediaType.APPLICATION_JSON).content(body))
			.andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.errors[*].field").value(org.hamcrest.Matchers.containsInAnyOrder(
					"hyperparameters.per_device_train_batch_size", "hyperparameters.epsilon_high",
					"hyperparameters.warmup_ratio")))
			.andExpect(jsonPath("$.errors[0].message").value(
					"per_device_train_batch_size = 3 must be a multiple of num_generations (G = 4): each micro-batch holds whole groups"));
		// once the hyperparameters are valid, the references are reported: both at once
		String refs = """
				{"type": "grpo", "modelId": %d, "datasetIds": [%d], "rewardConfigId": 999999}"""
			.formatted(newModel(bob), bobsDataset);
		mvc.perform(post("/api/runs").with(as(alice)).contentType(MediaType.APPLICATION_JSON).content(refs))
			.andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.errors[*].field").value(org.hamcrest.Matchers.containsInAnyOrder("modelId",
					"datasetIds[0]", "rewardConfigId")))
			.andExpect(jsonPath("$.errors[?(@.field == 'modelId')].message").value(
					org.hamcrest.Matchers.contains(org.hamcrest.Matchers.endsWith("does not exist"))));
	}

	@Test
	void createGetListCancelWithOwnership() throws Exception {
		CurrentUser alice = newUser(false);
		CurrentUser bob = newUser(false);
		CurrentUser admin = newUser(true);
		long configId = newRewardConfig(alice);
		MvcResult created = mvc.perform(post("/api/runs").with(as(alice)).contentType(MediaType.APPLICATION_JSON)
			.content(grpoBody(alice, configId)))
			.andExpect(status().isCreated())
			.andExpect(jsonPath("$.state").value("QUEUED"))
			.andExpect(jsonPath("$.type").value("grpo"))
			.andExpect(jsonPath("$.hyperparameters.learning_rate").value(1e-6))
			.andExpect(jsonPath("$.hyperparameters.num_generations").value(4))
			.andExpect(jsonPath("$.hyperparameters.epsilon_high").value(0.2))
			.andExpect(jsonPath("$.rewardTerms[0].function").value("iou"))
			.andReturn();
		long id = ((Number) com.jayway.jsonpath.JsonPath.read(created.getResponse().getContentAsString(), "$.id")).longValue();
		assertThat(created.getResponse().getHeader("Location")).isEqualTo("/api/runs/" + id);
		assertThat(jdbc.sql("SELECT used FROM reward_configs WHERE id = ?").param(configId).query(Boolean.class).single())
			.as("a config used by a run becomes immutable").isTrue();

		mvc.perform(get("/api/runs/" + id).with(as(alice))).andExpect(status().isOk()).andExpect(jsonPath("$.id").value(id));
		mvc.perform(get("/api/runs/" + id).with(as(bob)))
			.andExpect(status().isNotFound())
			.andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON));
		mvc.perform(get("/api/runs/" + id).with(as(admin))).andExpect(status().isOk());
		mvc.perform(get("/api/runs/" + id)).andExpect(status().isUnauthorized());
		mvc.perform(get("/api/runs")).andExpect(status().isUnauthorized());
		mvc.perform(get("/api/runs").with(as(alice))).andExpect(jsonPath("$.items[*].id", hasItem((int) id)));
		mvc.perform(get("/api/runs").with(as(bob))).andExpect(jsonPath("$.items[*].id", not(hasItem((int) id))));
		mvc.perform(get("/api/runs?size=100").with(as(admin))).andExpect(jsonPath("$.items[*].id", hasItem((int) id)));
		mvc.perform(get("/api/runs?size=1000").with(as(admin))).andExpect(status().isBadRequest());

		mvc.perform(post("/api/runs/" + id + "/cancel").with(as(bob))).andExpect(status().isNotFound());
		mvc.perform(post("/api/runs/" + id + "/cancel").with(as(alice)))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.state").value("CANCELLED"));
		mvc.perform(post("/api/runs/" + id + "/cancel").with(as(alice)))
			.andExpect(status().isConflict())
			.andExpect(jsonPath("$.type").value("https://vlm-r1.dev/problems/run-finished"));
		assertThat(events.stream(RunQueued.class)).containsExactly(new RunQueued(new RunId(id), RunType.GRPO));
		assertThat(events.stream(RunStateChanged.class))
			.containsExactly(new RunStateChanged(new RunId(id), RunState.QUEUED, RunState.CANCELLED));
	}

	@Test
	void cancelWithAStaleIfMatchIsRefused() throws Exception {
		CurrentUser alice = newUser(false);
		drainQueue();
		RunId id = queuedRun(alice);
		String etag = mvc.perform(get("/api/runs/" + id).with(as(alice)))
			.andExpect(header().string("ETag", "\"0\""))
			.andReturn()
			.getResponse()
			.getHeader("ETag");
		runs.claimNext("w").orElseThrow();
		mvc.perform(post("/api/runs/" + id + "/cancel").with(as(alice)).header("If-Match", etag))
			.andExpect(status().isPreconditionFailed())
			.andExpect(jsonPath("$.version").value(1));
		assertThat(details(id).state()).isEqualTo(RunState.RUNNING);
		mvc.perform(post("/api/runs/" + id + "/cancel").with(as(alice)).header("If-Match", "\"1\""))
			.andExpect(status().isOk())
			.andExpect(header().string("ETag", "\"2\""))
			.andExpect(jsonPath("$.state").value("CANCELLING"));
		mvc.perform(post("/api/runs/" + id + "/cancel").with(as(alice)).header("If-Match", "soon"))
			.andExpect(status().isBadRequest());
	}

	@Test
	void metricsAreLivePointsSortedByStep() throws Exception {
		CurrentUser alice = newUser(false);
		drainQueue();
		RunId id = queuedRun(alice);
		ClaimedRun claim = runs.claimNext("w").orElseThrow();
		runs.recordMetrics(id, claim.leaseToken(), 2, Map.of("loss", 0.5));
		runs.recordMetrics(id, claim.leaseToken(), 1, Map.of("loss", 0.9, "reward", 0.1));
		runs.recordMetrics(id, claim.leaseToken(), 3, Map.of("loss", 0.4));
		runs.archiveMetricsAfter(id, claim.leaseToken(), 2);
		mvc.perform(get("/api/runs/" + id + "/metrics?name=loss").with(as(alice)))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.points[*].step").value(org.hamcrest.Matchers.contains(1, 2)))
			.andExpect(jsonPath("$.points[*].value").value(org.hamcrest.Matchers.contains(0.9, 0.5)));
		mvc.perform(get("/api/runs/" + id + "/metrics").with(as(alice)))
			.andExpect(jsonPath("$.metrics.reward[0].value").value(0.1));
	}

	@Test
	void idempotencyKeySemantics() throws Exception {
		CurrentUser alice = newUser(false);
		CurrentUser bob = newUser(false);
		long configId = newRewardConfig(alice);
		String body = grpoBody(alice, configId);
		String key = UUID.randomUUID().toString();

		// (a) the same request twice: one run, the identical answer, marked as replayed
		MvcResult first = postRun(alice, key, body);
		MvcResult second = postRun(alice, key, body);
		assertThat(first.getResponse().getStatus()).isEqualTo(201);
		assertThat(second.getResponse().getStatus()).isEqualTo(201);
		assertThat(second.getResponse().getContentAsString()).isEqualTo(first.getResponse().getContentAsString());
		assertThat(first.getResponse().getHeader(RunApiController.REPLAYED)).isNull();
		assertThat(second.getResponse().getHeader(RunApiController.REPLAYED)).isEqualTo("true");
		assertThat(runCount(alice)).isEqualTo(1);

		// (c) the same key with another body: 422, nothing created
		mvc.perform(post("/api/runs").with(as(alice)).header("Idempotency-Key", key)
			.contentType(MediaType.APPLICATION_JSON).content(body.replace("\"seed\": 7", "\"seed\": 8")))
			.andExpect(status().isUnprocessableContent())
			.andExpect(jsonPath("$.type").value("https://vlm-r1.dev/problems/idempotency-key-reused"));
		assertThat(runCount(alice)).isEqualTo(1);

		// (d) bob's identical key is his own: processed independently, never alice's answer
		long bobsConfig = newRewardConfig(bob);
		MvcResult bobs = postRun(bob, key, grpoBody(bob, bobsConfig));
		assertThat(bobs.getResponse().getStatus()).isEqualTo(201);
		assertThat(bobs.getResponse().getHeader(RunApiController.REPLAYED)).isNull();
		assertThat(bobs.getResponse().getContentAsString()).contains("\"ownerId\":" + bob.id());
		assertThat(runCount(bob)).isEqualTo(1);

		// (e) past the retention the key counts as new
		jdbc.sql("UPDATE idempotency_keys SET created_at = now() - interval '2 days' WHERE owner_id = ?")
			.param(alice.id())
			.update();
		MvcResult afterRetention = postRun(alice, key, body);
		assertThat(afterRetention.getResponse().getStatus()).isEqualTo(201);
		assertThat(afterRetention.getResponse().getHeader(RunApiController.REPLAYED)).isNull();
		assertThat(runCount(alice)).isEqualTo(2);

		// a failed request does not consume its key
		String badKey = UUID.randomUUID().toString();
		mvc.perform(post("/api/runs").with(as(alice)).header("Idempotency-Key", badKey)
			.contentType(MediaType.APPLICATION_JSON).content("{\"type\": \"grpo\"}")).andExpect(status().isBadRequest());
		assertThat(postRun(alice, badKey, body).getResponse().getHeader(RunApiController.REPLAYED)).isNull();
	}

	@Test
	void concurrentRequestsWithOneKeyCreateOneRun() throws Exception {
		CurrentUser alice = newUser(false);
		String body = grpoBody(alice, newRewardConfig(alice));
		String key = UUID.randomUUID().toString();
		HttpClient http = HttpClient.newHttpClient();
		CountDownLatch start = new CountDownLatch(1);
		ExecutorService pool = Executors.newFixedThreadPool(20);
		List<Future<HttpResponse<String>>> answers = new ArrayList<>();
		try {
			for (int i = 0; i < 20; i++) {
				answers.add(pool.submit(() -> {
					start.await();
					return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/runs"))
						.header("Authorization", bearer(alice))
						.header("Idempotency-Key", key)
						.header("Content-Type", "application/json")
						.POST(HttpRequest.BodyPublishers.ofString(body))
						.build(), HttpResponse.BodyHandlers.ofString());
				}));
			}
			start.countDown();
			List<HttpResponse<String>> responses = new ArrayList<>();
			for (var f : answers) {
				responses.add(f.get());
			}
			assertThat(responses).allSatisfy(r -> assertThat(r.statusCode()).isEqualTo(201));
			assertThat(responses).filteredOn(r -> r.headers().firstValue(RunApiController.REPLAYED).isEmpty()).hasSize(1);
			assertThat(responses.stream().map(HttpResponse::body).distinct()).hasSize(1);
			assertThat(runCount(alice)).isEqualTo(1);
		}
		finally {
			pool.shutdownNow();
		}
	}

	private MvcResult postRun(CurrentUser user, String key, String body) throws Exception {
		return mvc.perform(post("/api/runs").with(as(user)).header("Idempotency-Key", key)
			.contentType(MediaType.APPLICATION_JSON).content(body)).andReturn();
	}

	private long runCount(CurrentUser user) {
		return jdbc.sql("SELECT count(*) FROM runs WHERE owner_id = ?").param(user.id()).query(Long.class).single();
	}

	private String grpoBody(CurrentUser owner, long configId) {
		return """
				{"type": "grpo", "modelId": %d, "datasetIds": [%d], "rewardConfigId": %d,
				 "hyperparameters": {"num_generations": 4, "per_device_train_batch_size": 4, "seed": 7}}"""
			.formatted(newModel(owner), newDataset(owner), configId);
	}

}

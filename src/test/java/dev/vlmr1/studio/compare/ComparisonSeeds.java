package dev.vlmr1.studio.compare;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;

import com.jayway.jsonpath.JsonPath;

import org.springframework.context.ApplicationContext;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.MockMvc;

import dev.vlmr1.studio.catalog.ModelCatalog;
import dev.vlmr1.studio.run.ClaimedRun;
import dev.vlmr1.studio.run.RunId;
import dev.vlmr1.studio.run.RunManagement;
import dev.vlmr1.studio.run.RunState;
import dev.vlmr1.studio.web.TestModels;
import dev.vlmr1.studio.web.TestUsers.TestUser;

import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * Seeds runs with metrics the way production does: the model is registered in the catalog from the tiny
 * checkpoint fixture, the run is created with {@code POST /api/runs}, claimed and fed through
 * {@link RunManagement} like a worker. Only the dataset and reward-config rows are inserted directly (what
 * their modules leave behind after an upload), since uploading them is not what these tests are about.
 */
final class ComparisonSeeds {

	private final MockMvc mvc;

	private final JdbcClient jdbc;

	private final RunManagement runs;

	private final ModelCatalog catalog;

	private final Path checkpoint;

	ComparisonSeeds(MockMvc mvc, ApplicationContext context) throws Exception {
		this.mvc = mvc;
		this.jdbc = context.getBean(JdbcClient.class);
		this.runs = context.getBean(RunManagement.class);
		this.catalog = context.getBean(ModelCatalog.class);
		Path fixture = Path.of("src/test/resources/fixtures/qwen2_5_vl_tiny");
		this.checkpoint = Files.createDirectories(TestModels.importRoot(context)
			.resolve("compare-" + UUID.randomUUID())
			.resolve("tiny"));
		for (String file : new String[] { "config.json", "model.safetensors" }) {
			Files.copy(fixture.resolve(file), checkpoint.resolve(file));
		}
	}

	/** Registers the tiny checkpoint under {@code name} for {@code owner} (names are free text). */
	long model(TestUser owner, String name) {
		return catalog.register(owner.user(), name, checkpoint.toString()).id();
	}

	/** A run of {@code type} ({@code sft} or {@code grpo}) on {@code modelId}, created and claimed; still running. */
	Worker start(TestUser owner, String type, long modelId) throws Exception {
		long dataset = jdbc.sql("""
				INSERT INTO datasets (owner_id, name, version, content_sha256, mode, sample_count, invalid_lines,
				  image_count, jsonl_bytes, image_bytes, task_counts, report)
				VALUES (?, ?, 1, ?, 'strict', 1, 0, 1, 10, 10, '{"rec": 1}', '[]') RETURNING id""")
			.params(owner.user().id(), "ds-" + UUID.randomUUID(), "0".repeat(64))
			.query(Long.class)
			.single();
		String rewards = "";
		if (type.equals("grpo")) {
			long config = jdbc.sql("""
					INSERT INTO reward_configs (owner_id, name, terms)
					VALUES (?, ?, '[{"function": "iou", "weight": 1.0, "params": {}}]') RETURNING id""")
				.params(owner.user().id(), "rc-" + UUID.randomUUID())
				.query(Long.class)
				.single();
			rewards = ", \"rewardConfigId\": " + config;
		}
		// G is a GRPO setting: an SFT run refuses it
		String groups = type.equals("grpo") ? "\"num_generations\": 4, " : "";
		String body = """
				{"type": "%s", "modelId": %d, "datasetIds": [%d]%s,
				 "hyperparameters": {%s"per_device_train_batch_size": 4, "learning_rate": 1e-5, "seed": 7}}"""
			.formatted(type, modelId, dataset, rewards, groups);
		String created = mvc.perform(post("/api/runs").with(owner.api()).contentType(MediaType.APPLICATION_JSON).content(body))
			.andExpect(status().isCreated())
			.andReturn()
			.getResponse()
			.getContentAsString();
		RunId id = new RunId(((Number) JsonPath.read(created, "$.id")).longValue());
		// the queue hands out the oldest run first: park what other tests left queued so this one is next
		jdbc.sql("UPDATE runs SET state = 'CANCELLED', version = version + 1 WHERE state = 'QUEUED' AND id <> ?")
			.param(id.value())
			.update();
		ClaimedRun claim = runs.claimNext("compare-test-worker").orElseThrow();
		if (!claim.id().equals(id)) {
			throw new IllegalStateException("claimed " + claim.id() + " instead of " + id);
		}
		return new Worker(runs, claim);
	}

	/** Plays the worker of one claimed run. */
	record Worker(RunManagement runs, ClaimedRun claim) {

		long id() {
			return claim.id().value();
		}

		Worker step(int step, Map<String, Double> values) {
			runs.recordMetrics(claim.id(), claim.leaseToken(), step, values);
			return this;
		}

		/** A resumed attempt drops the rows after its checkpoint (they are archived, not deleted). */
		Worker resumeAfter(int step) {
			runs.archiveMetricsAfter(claim.id(), claim.leaseToken(), step);
			return this;
		}

		Worker succeed() {
			runs.finish(claim.id(), claim.leaseToken(), RunState.SUCCEEDED, null);
			return this;
		}

	}

}

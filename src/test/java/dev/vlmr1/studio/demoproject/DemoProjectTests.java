package dev.vlmr1.studio.demoproject;

import java.time.Duration;
import java.util.List;
import java.util.Map;

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
import dev.vlmr1.studio.web.TestUsers;
import dev.vlmr1.studio.web.TestUsers.TestUser;

import static dev.vlmr1.studio.executor.StudioHttp.map;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * The tiny model endpoint and the demo project: datasets uploaded through the dataset API, a tiny model, the REC
 * preset, an SFT run that trains in a worker process and a GRPO run queued from its registered checkpoint, which
 * trains too. Same context as the other end-to-end test (local dispatcher on).
 */
@AutoConfigureMockMvc
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "studio.executor.local.enabled=true", "studio.executor.sweeper-enabled=true",
				"studio.executor.heartbeat=PT1S", "studio.executor.poll-interval=PT0.2S",
				"studio.executor.register-interval=PT0.3S", "studio.runs.lease=PT20S", "studio.executor.retry-base=PT1S" })
@Slow
class DemoProjectTests {

	@LocalServerPort
	int port;

	@Autowired
	ApplicationContext context;

	@Autowired
	MockMvc mvc;

	@Autowired
	DemoProject demoProject;

	@Autowired
	JdbcClient jdbc;

	TestUser alice;

	StudioHttp http;

	@BeforeEach
	void user() {
		alice = new TestUsers(context).create("demo");
		http = new StudioHttp(port, alice.bearer());
	}

	@Test
	void tinyModelsAreCreatedAndRegisteredOverRest() throws Exception {
		Answer created = http.post("/api/models/tiny", map("name", "tiny-rest", "seed", 3));
		assertThat(created.status()).as(created.body()).isEqualTo(201);
		assertThat(created.json().get("modelType").asText()).isEqualTo("qwen2_5_vl");
		assertThat(java.nio.file.Files.isRegularFile(java.nio.file.Path.of(created.json().get("path").asText(), "tokenizer.json")))
			.isTrue();

		assertThat(http.post("/api/models/tiny", map("name", "tiny-rest", "seed", 3)).status()).as("same name").isEqualTo(409);
		assertThat(http.post("/api/models/tiny", map("seed", 3)).status()).isEqualTo(400);
		assertThat(http.post("/api/models/tiny", map("name", "x", "seed", "three")).status()).isEqualTo(400);
		assertThat(http.post("/api/models/tiny", map("name", "x", "seed", -1)).status()).isEqualTo(400);
		assertThat(http.post("/api/models/tiny", map("name", " ", "seed", 1)).status()).isEqualTo(400);
	}

	@Test
	void pagesOfferTheButtonsAndTheirFormsNeedCsrf() throws Exception {
		mvc.perform(get("/").with(alice.page()))
			.andExpect(status().isOk())
			.andExpect(content().string(org.hamcrest.Matchers.containsString("action=\"/demo-project\"")))
			.andExpect(content().string(org.hamcrest.Matchers.containsString("Create demo project")));
		mvc.perform(get("/models").with(alice.page()))
			.andExpect(status().isOk())
			.andExpect(content().string(org.hamcrest.Matchers.containsString("action=\"/models/tiny\"")));
		mvc.perform(post("/demo-project").with(alice.page())).andExpect(status().isForbidden());
		mvc.perform(post("/models/tiny").param("name", "tiny-page").with(alice.page()).with(csrf()))
			.andExpect(status().is3xxRedirection());
		assertThat(jdbc.sql("SELECT count(*) FROM models WHERE owner_id = ? AND name = 'tiny-page'")
			.param(alice.user().id()).query(Long.class).single()).isEqualTo(1);
	}

	@Test
	void theDemoProjectTrainsSftThenGrpoFromItsCheckpoint() throws Exception {
		var plan = new DemoProjectPlan(5, 6, 3,
				Map.of("max_steps", 2, "per_device_train_batch_size", 2, "gradient_accumulation_steps", 1,
						"learning_rate", 1e-3, "save_steps", 2),
				Map.of("max_steps", 1, "num_generations", 2, "per_device_train_batch_size", 2,
						"gradient_accumulation_steps", 1, "max_completion_length", 48, "save_steps", 1));
		DemoProject.Created created = demoProject.create(alice.user(), plan);

		assertThat(jdbc.sql("SELECT name, sample_count FROM datasets WHERE id IN (?, ?, ?) ORDER BY id")
			.params(created.trainDataset(), created.testInDomain(), created.testOutOfDomain())
			.query((rs, n) -> rs.getString(1) + "=" + rs.getInt(2)).list())
			.containsExactly("demo-rec-train=6", "demo-rec-test-id=3", "demo-rec-test-ood=3");
		await().atMost(Duration.ofSeconds(150)).pollInterval(Duration.ofMillis(300))
			.until(() -> state(created.sftRunId()).equals("SUCCEEDED") && childRun(created) != null);
		long grpo = childRun(created);
		await().atMost(Duration.ofSeconds(150)).pollInterval(Duration.ofMillis(300))
			.until(() -> List.of("SUCCEEDED", "FAILED", "CANCELLED").contains(state(grpo)));
		JsonView run = new JsonView(http.get("/api/runs/" + grpo).json());
		assertThat(run.text("state")).as(run.toString()).isEqualTo("SUCCEEDED");
		assertThat(run.text("type")).isEqualTo("grpo");
		long sftModel = jdbc.sql("SELECT id FROM models WHERE source_run_id = ?").param(created.sftRunId())
			.query(Long.class).single();
		assertThat(run.node().get("modelId").asLong()).as("GRPO starts from the SFT checkpoint").isEqualTo(sftModel);
		assertThat(run.node().get("rewardConfigId").asLong()).isEqualTo(created.rewardConfigId());
	}

	@Test
	void aFollowUpOfAFailedRunIsAbandoned() throws Exception {
		long run = jdbc.sql("""
				INSERT INTO runs (owner_id, type, state, model_id, hyperparameters, max_attempts)
				VALUES (?, 'SFT', 'FAILED', 1, '{}'::jsonb, 1) RETURNING id""")
			.param(alice.user().id()).query(Long.class).single();
		long followUp = context.getBean(FollowUpRuns.class).waitFor(alice.user(), run, Map.of("type", "grpo"));
		await().atMost(Duration.ofSeconds(10)).until(() -> "ABANDONED".equals(jdbc
			.sql("SELECT state FROM run_followups WHERE id = ?").param(followUp).query(String.class).single()));
		assertThat(context.getBean(FollowUpRuns.class).childOf(followUp)).isNull();
	}

	private String state(long run) {
		return jdbc.sql("SELECT state FROM runs WHERE id = ?").param(run).query(String.class).single();
	}

	private Long childRun(DemoProject.Created created) {
		return context.getBean(FollowUpRuns.class).childOf(created.grpoFollowUp());
	}

	private record JsonView(com.fasterxml.jackson.databind.JsonNode node) {

		String text(String field) {
			return node.get(field).asText();
		}

	}

}

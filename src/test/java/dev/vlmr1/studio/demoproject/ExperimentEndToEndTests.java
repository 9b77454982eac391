package dev.vlmr1.studio.demoproject;

import java.time.Duration;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

import dev.vlmr1.studio.Slow;
import dev.vlmr1.studio.executor.StudioHttp;

import static dev.vlmr1.studio.executor.StudioHttp.map;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The button end to end with real workers, at toy size: the base SFT run trains and is evaluated at its last step,
 * both arms are queued from its checkpoint, train and are evaluated at every step, and the table has every cell.
 * Same context as {@link DemoProjectTests} (local dispatcher on).
 */
@AutoConfigureMockMvc
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "studio.executor.local.enabled=true", "studio.executor.sweeper-enabled=true",
				"studio.executor.heartbeat=PT1S", "studio.executor.poll-interval=PT0.2S",
				"studio.executor.register-interval=PT0.3S", "studio.runs.lease=PT20S", "studio.executor.retry-base=PT1S" })
@Slow
class ExperimentEndToEndTests {

	private static final List<String> ENDED = List.of("SUCCEEDED", "FAILED", "CANCELLED", "ABANDONED");

	@LocalServerPort
	int port;

	@Autowired
	ApplicationContext context;

	@Autowired
	JdbcClient jdbc;

	@Test
	void theThreeRunsTrainAndFillTheTable() throws Exception {
		StudioHttp http = new StudioHttp(port, new dev.vlmr1.studio.web.TestUsers(context).create("xp-e2e").bearer());
		var created = http.post("/api/experiments", map("seed", 5, "pretrainSamples", 4, "trainSamples", 2,
				"testSamples", 1, "baseSteps", 2, "armSteps", 2, "promptsPerStep", 1, "generations", 2,
				"maxCompletionLength", 48));
		assertThat(created.status()).as(created.body()).isEqualTo(201);
		long id = created.json().get("id").asLong();
		String path = "/api/experiments/" + id;
		await().atMost(Duration.ofSeconds(240)).pollInterval(Duration.ofMillis(500)).until(() -> {
			JsonNode view = http.get(path).json();
			if (view.get("state").asText().equals("FAILED")) {
				return true;
			}
			for (JsonNode arm : view.get("arms")) {
				if (!ENDED.contains(arm.get("state").asText())) {
					return false;
				}
			}
			return true;
		});
		JsonNode view = http.get(path).json();
		for (JsonNode arm : view.get("arms")) {
			assertThat(arm.get("state").asText()).as(view.toString()).isEqualTo("SUCCEEDED");
			assertThat(arm.get("evaluatedStep").asInt()).as(arm.get("arm").asText() + " evaluated at its last step")
				.isEqualTo(2);
			for (String cell : List.of("inDomainAccuracy", "inDomainMeanIou", "outOfDomainAccuracy", "outOfDomainMeanIou")) {
				assertThat(arm.get(cell).asDouble()).as(arm.get("arm").asText() + " " + cell).isBetween(0.0, 1.0);
			}
		}
		long grpo = view.get("arms").get(2).get("runId").asLong();
		assertThat(jdbc.sql("SELECT count(DISTINCT step) FROM run_metrics WHERE run_id = ? AND name = ?")
			.params(grpo, "eval/rec_accuracy/out_of_domain").query(Long.class).single())
			.as("2 arm steps: evaluated after each").isEqualTo(2);
	}

}

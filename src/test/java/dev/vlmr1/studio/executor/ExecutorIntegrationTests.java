package dev.vlmr1.studio.executor;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.sql.DataSource;

import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.transaction.PlatformTransactionManager;

import dev.vlmr1.studio.Slow;
import dev.vlmr1.studio.run.RunId;
import dev.vlmr1.studio.run.RunProperties;
import dev.vlmr1.studio.run.RunState;
import dev.vlmr1.studio.run.RunTestSupport;
import dev.vlmr1.studio.web.CurrentUser;
import dev.vlmr1.studio.web.StudioProperties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

/**
 * End to end in the web application: a run created with {@code POST /api/runs} is executed by a worker
 * JVM that the local dispatcher starts ({@code StudioApplication worker}, wired as in
 * {@link ExecutorConfiguration}); the worker is killed with SIGKILL mid-run, the dispatcher sees the exit,
 * a new worker resumes from checkpoint 10, and {@code GET /api/runs/{id}/metrics?name=loss} returns exactly
 * one point per step 1..40 (T2.5).
 */
@Slow
class ExecutorIntegrationTests extends RunTestSupport {

	@Autowired
	private dev.vlmr1.studio.run.RunManagement runManagement;

	@Autowired
	private PlatformTransactionManager transactions;

	@Autowired
	private RunProperties runProperties;

	@Autowired
	private StudioProperties studio;

	@Autowired
	private DataSource dataSource;

	private LocalProcessDispatcher dispatcher;

	@AfterEach
	void stopDispatcher() {
		if (dispatcher != null) {
			dispatcher.stop();
		}
	}

	@Test
	void aRunCreatedOverRestTrainsInAWorkerProcessSurvivesKillMinus9AndReportsEveryStepOnce() throws Exception {
		drainQueue();
		ExecutorProperties properties = new ExecutorProperties(Duration.ofSeconds(1), Duration.ofMinutes(5),
				Duration.ofSeconds(1), Duration.ofMillis(200), Duration.ofSeconds(1), Duration.ofMillis(100), Set.of(42), true,
				"fake", "steps=40,checkpointEvery=10,stepMillis=10,pauseAtStep=17,faultAttempt=1",
				new ExecutorProperties.Local(true, 1, "128m", 1, "", "", "", ""), Duration.ofSeconds(25), "auto");
		AttemptLedger ledger = new AttemptLedger(runManagement, jdbc, transactions, properties.retryPolicy());
		dispatcher = new ExecutorConfiguration().localProcessDispatcher(ledger, properties, runProperties, studio, dataSource);
		dispatcher.start();

		CurrentUser alice = newUser(false);
		String body = """
				{"type": "sft", "modelId": %d, "datasetIds": [%d]}""".formatted(newModel(alice), newDataset(alice));
		String created = mvc.perform(post("/api/runs").with(as(alice)).contentType(MediaType.APPLICATION_JSON).content(body))
			.andReturn()
			.getResponse()
			.getContentAsString();
		RunId id = new RunId(((Number) JsonPath.read(created, "$.id")).longValue());

		await().atMost(Duration.ofSeconds(60)).until(() -> lastStep(id) == 17);
		List<Long> pids = dispatcher.workerPids();
		assertThat(pids).hasSize(1);
		ProcessHandle.of(pids.get(0)).orElseThrow().destroyForcibly();

		await().atMost(Duration.ofSeconds(60)).until(() -> details(id).state().isTerminal());
		assertThat(details(id).state()).isEqualTo(RunState.SUCCEEDED);
		List<Map<String, Object>> attempts = jdbc.sql("SELECT * FROM run_attempts WHERE run_id = ? ORDER BY attempt")
			.param(id.value())
			.query()
			.listOfRows();
		assertThat(attempts).hasSize(2);
		assertThat(attempts.get(0)).containsEntry("outcome", "LOST").containsEntry("failure", "WORKER_LOST")
			.containsEntry("exit_code", 137);
		assertThat(attempts.get(1)).containsEntry("outcome", "SUCCEEDED").containsEntry("resumed_from_step", 10);

		String metrics = mvc.perform(get("/api/runs/" + id.value() + "/metrics").param("name", "loss").with(as(alice)))
			.andReturn()
			.getResponse()
			.getContentAsString();
		List<Integer> steps = JsonPath.read(metrics, "$.points[*].step");
		assertThat(steps).containsExactlyElementsOf(java.util.stream.IntStream.rangeClosed(1, 40).boxed().toList());
		assertThat(jdbc.sql("SELECT count(*) FROM run_metrics WHERE run_id = ? AND name = 'loss' AND archived")
			.param(id.value())
			.query(Long.class)
			.single()).as("steps 11-17 of the killed attempt, archived").isEqualTo(7);

		// the attempt history: the killed attempt with its archived steps, then the one that finished
		String history = mvc.perform(get("/api/runs/" + id.value() + "/attempts/diagnostics").with(as(alice)))
			.andReturn()
			.getResponse()
			.getContentAsString();
		assertThat(JsonPath.<List<String>>read(history, "$[*].outcome")).containsExactly("LOST", "SUCCEEDED");
		assertThat((Integer) JsonPath.read(history, "$[0].archivedFromStep")).isEqualTo(11);
		assertThat((Integer) JsonPath.read(history, "$[0].archivedToStep")).isEqualTo(17);
		assertThat((Integer) JsonPath.read(history, "$[0].exitCode")).isEqualTo(137);
		assertThat(history).doesNotContain(jdbc.sql("SELECT lease_token::text FROM run_attempts WHERE run_id = ? LIMIT 1")
			.param(id.value())
			.query(String.class)
			.single());
		CurrentUser bob = newUser(false);
		assertThat(mvc.perform(get("/api/runs/" + id.value() + "/attempts/diagnostics").with(as(bob))).andReturn().getResponse().getStatus())
			.as("someone else's run").isEqualTo(404);
		assertThat(mvc.perform(get("/api/runs/" + id.value() + "/attempts/diagnostics")).andReturn().getResponse().getStatus())
			.as("anonymous").isEqualTo(401);
	}

	private int lastStep(RunId id) {
		return jdbc.sql("SELECT coalesce(max(last_step), -1) FROM run_attempts WHERE run_id = ?")
			.param(id.value())
			.query(Integer.class)
			.single();
	}

}

package dev.vlmr1.studio.executor;

import java.sql.Timestamp;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.vlmr1.studio.Slow;
import dev.vlmr1.studio.run.RunDetails;
import dev.vlmr1.studio.run.RunId;
import dev.vlmr1.studio.run.RunState;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * T1.6: a retryable failure is retried with back-off base·2^(n−1) until the attempts are used up, each
 * error recorded; a non-retryable one (data, setup, out of memory, NaN loss) fails the run after exactly
 * one attempt. (Fatal exit codes: {@link LocalProcessDispatcherTests}.)
 */
@Slow
class RetryPolicyTests extends ExecutorTestSupport {

	@Test
	void retryableFailuresAreRetriedWithExponentialBackoffThenFail() throws Exception {
		RunId id = queueRun("steps=5,failAtStep=2,failKind=ERROR", 3);
		try (InProcessWorkers workers = new InProcessWorkers()) {
			workers.serve(worker("w"), Duration.ofMillis(20), () -> state(id).isTerminal());
			await().atMost(Duration.ofSeconds(30)).until(() -> state(id).isTerminal());
			assertThat(workers.errors).isEmpty();
		}
		RunDetails run = runs.find(id).orElseThrow();
		assertThat(run.state()).isEqualTo(RunState.FAILED);
		assertThat(run.stateReason()).startsWith("ERROR: fake trainer failure ERROR at step 2");
		List<Map<String, Object>> attempts = attempts(id);
		assertThat(attempts).hasSize(3).allSatisfy(a -> {
			assertThat(a).containsEntry("outcome", "FAILED").containsEntry("failure", "ERROR");
			assertThat((String) a.get("reason")).contains("at step 2");
			assertThat((String) a.get("log_tail")).contains("attempt failed (ERROR)");
		});
		for (int n = 1; n <= 2; n++) {
			Map<String, Object> failed = attempts.get(n - 1);
			Map<String, Object> next = attempts.get(n);
			long backoff = 1000L << (n - 1); // base 1 s
			long ended = ((Timestamp) failed.get("ended_at")).getTime();
			long retryAt = ((Timestamp) failed.get("retry_at")).getTime();
			long started = ((Timestamp) next.get("started_at")).getTime();
			assertThat(retryAt - ended).as("back-off after attempt %d", n).isBetween(backoff * 9 / 10, backoff * 11 / 10);
			assertThat(started).as("attempt %d waits for its back-off", n + 1).isGreaterThanOrEqualTo(retryAt);
			// the claim follows the back-off within the idle poll plus scheduling on a busy 2-core machine
			assertThat(started - ended).isLessThanOrEqualTo(backoff * 11 / 10 + 700);
		}
		assertThat(attempts.get(2).get("retry_at")).as("no retry after the last attempt").isNull();
		// the worker's log lines reach the run's event log (the run page's live log)
		assertThat(jdbc.sql("SELECT payload::text FROM run_events WHERE run_id = ? AND type = 'LOG'")
			.param(id.value())
			.query(String.class)
			.list()).anyMatch(l -> l.contains("attempt failed (ERROR)"));
		assertThat(run.totalSteps()).isEqualTo(5);
	}

	@Test
	void aRetryWhoseInputsDriftedIsRefusedAndFailsTheRun() {
		RunId id = queueRun("steps=20,checkpointEvery=5,stepMillis=1,failAtStep=8,failKind=ERROR,faultAttempt=1", 3);
		long dataset = jdbc.sql("""
				INSERT INTO datasets (owner_id, name, version, content_sha256, mode, sample_count, invalid_lines,
				  image_count, jsonl_bytes, image_bytes, task_counts, report)
				VALUES (1, 'drift', 1, ?, 'strict', 1, 0, 1, 10, 10, '{"rec": 1}', '[]') RETURNING id""")
			.param("a".repeat(64))
			.query(Long.class)
			.single();
		jdbc.sql("INSERT INTO run_datasets (run_id, dataset_id, role, position) VALUES (?, ?, 'TRAIN', 0)")
			.params(id.value(), dataset)
			.update();
		Worker worker = worker("w");
		assertThat(worker.runOnce()).contains(AttemptResult.FAILED);
		assertThat(state(id)).isEqualTo(RunState.QUEUED);
		// the dataset's content changes under the run before its retry
		jdbc.sql("UPDATE datasets SET content_sha256 = ? WHERE id = ?").params("b".repeat(64), dataset).update();
		await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).until(() -> worker.runOnce().isPresent());
		RunDetails run = runs.find(id).orElseThrow();
		assertThat(run.state()).isEqualTo(RunState.FAILED);
		assertThat(run.stateReason()).startsWith("DRIFT: the run's inputs");
		assertThat(attempts(id)).hasSize(2);
		assertThat(attempts(id).get(1)).containsEntry("failure", "DRIFT").containsEntry("resumed_from_step", null);
	}

	@Test
	void aRetryWithUnchangedInputsResumes() {
		RunId id = queueRun("steps=20,checkpointEvery=5,stepMillis=1,failAtStep=8,failKind=ERROR,faultAttempt=1", 3);
		Worker worker = worker("w");
		assertThat(worker.runOnce()).contains(AttemptResult.FAILED);
		await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).until(() -> worker.runOnce().isPresent());
		assertThat(state(id)).isEqualTo(RunState.SUCCEEDED);
		assertThat(attempts(id).get(1)).containsEntry("resumed_from_step", 5);
		assertThat(attempts(id).get(0).get("inputs_sha256")).isEqualTo(attempts(id).get(1).get("inputs_sha256"));
	}

	@ParameterizedTest
	@CsvSource({ "DATA, DATA", "NAN_LOSS, NAN_LOSS", "OOM, OOM", "SETUP, SETUP" })
	void nonRetryableFailuresFailAfterExactlyOneAttempt(String injected, String expected) throws Exception {
		RunId id = queueRun("steps=5,failAtStep=3,failKind=" + injected, 3);
		Worker worker = worker("w");
		assertThat(worker.runOnce()).contains(AttemptResult.FAILED);
		RunDetails run = runs.find(id).orElseThrow();
		assertThat(run.state()).isEqualTo(RunState.FAILED);
		assertThat(run.stateReason()).startsWith(expected + ":");
		assertThat(run.attempt()).isEqualTo(1);
		assertThat(attempts(id)).singleElement().satisfies(a -> assertThat(a).containsEntry("failure", expected));
		assertThat(worker.runOnce()).as("nothing left to claim").isEmpty();
	}

	@Test
	void anInvalidTrainerSettingIsASetupFailure() {
		RunId id = queueRun("steps=5,lerningRate=3", 3);
		assertThat(worker("w").runOnce()).contains(AttemptResult.FAILED);
		assertThat(runs.find(id).orElseThrow().stateReason()).startsWith("SETUP: unknown fake trainer setting 'lerningRate'");
	}

	private List<Map<String, Object>> attempts(RunId id) {
		return jdbc.sql("SELECT * FROM run_attempts WHERE run_id = ? ORDER BY attempt").param(id.value()).query().listOfRows();
	}

}

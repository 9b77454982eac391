package dev.vlmr1.studio.executor;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import dev.vlmr1.studio.Slow;
import dev.vlmr1.studio.run.LeaseLostException;
import dev.vlmr1.studio.run.RunId;
import dev.vlmr1.studio.run.RunState;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Real worker processes ({@code worker} subcommand, same classpath) killed and stopped with signals:
 * T1.2 (kill -9 mid-run, resume from checkpoint 30, metrics exactly once per step), T1.3 (SIGSTOP past the
 * lease: the zombie's writes are all refused and it exits) and T2.4 (killed while writing a checkpoint).
 */
@Slow
class WorkerProcessTests extends ExecutorTestSupport {

	@Override
	protected Map<String, Object> settings() {
		// re-claim quickly after a kill; T1.6 checks the back-off itself
		return Map.of("studio.executor.retry-base", "PT0.5S");
	}

	@Test
	void killMinus9AtStep37ResumesFromCheckpoint30WithEveryStepOnce() {
		RunId id = queueRun("steps=60,checkpointEvery=10,stepMillis=10,pauseAtStep=37,faultAttempt=1", 3);
		sweeper.start();
		Process first = startWorkerProcess("w1");
		await().atMost(Duration.ofSeconds(60)).until(() -> lastStep(id, 1) == 37);
		first.destroyForcibly(); // SIGKILL
		Timestamp killedAt = jdbc.sql("SELECT now()").query(Timestamp.class).single();
		startWorkerProcess("w2");
		await().atMost(Duration.ofSeconds(60)).until(() -> state(id) == RunState.SUCCEEDED);

		Map<String, Object> lost = attempt(id, 1);
		Map<String, Object> second = attempt(id, 2);
		assertThat(lost).containsEntry("outcome", "LOST").containsEntry("failure", "WORKER_LOST");
		assertThat(second).containsEntry("outcome", "SUCCEEDED").containsEntry("resumed_from_step", 30)
			.containsEntry("worker_id", "w2");
		// re-claimed within 2 lease intervals of the kill
		long reclaimMillis = ((Timestamp) second.get("started_at")).getTime() - killedAt.getTime();
		assertThat(reclaimMillis).isLessThanOrEqualTo(10_000);
		assertThat(runs.find(id).orElseThrow().attempt()).as("attempts used").isEqualTo(2);

		assertEveryStepExactlyOnce(id, 60);
		assertThat(archivedSteps(id, 1)).containsExactlyElementsOf(IntStream.rangeClosed(31, 37).boxed().toList());
	}

	@Test
	void zombieAfterSigstopIsFencedOutAndExits() throws Exception {
		RunId id = queueRun("steps=60,checkpointEvery=10,stepMillis=40", 3);
		sweeper.start();
		Process zombie = startWorkerProcess("zombie");
		await().atMost(Duration.ofSeconds(60)).until(() -> lastStep(id, 1) >= 32);
		signal(zombie, "STOP");
		int stoppedAt = lastStep(id, 1);
		Process second = startWorkerProcess("successor");
		await().atMost(Duration.ofSeconds(30)).until(() -> attemptState(id, 2).equals("RUNNING") && lastStep(id, 2) > 31);
		signal(zombie, "CONT");
		// the first heartbeat or write after SIGCONT is refused and the zombie halts
		assertThat(zombie.waitFor(3, TimeUnit.SECONDS)).as("zombie exits within a heartbeat or two").isTrue();
		assertThat(zombie.exitValue()).isEqualTo(WorkerMain.EXIT_LEASE_LOST);
		assertThat(processLog("zombie")).contains("lease lost");

		// every kind of write with attempt 1's token is refused (409)
		UUID token = jdbc.sql("SELECT lease_token FROM run_attempts WHERE run_id = ? AND attempt = 1")
			.param(id.value())
			.query(UUID.class)
			.single();
		Assignment first = new Assignment(runs.find(id).orElseThrow(), 1, token, List.of());
		assertThatThrownBy(() -> ledger.heartbeat(first)).isInstanceOf(LeaseLostException.class);
		assertThatThrownBy(() -> ledger.reportStep(first, 41, Map.of("loss", 0.0))).isInstanceOf(LeaseLostException.class);
		assertThatThrownBy(() -> ledger.commitCheckpoint(first, 40, Path.of("/zombie")))
			.isInstanceOf(LeaseLostException.class);
		assertThatThrownBy(() -> ledger.complete(first, "")).isInstanceOf(LeaseLostException.class);
		assertThatThrownBy(() -> ledger.fail(first, FailureKind.ERROR, "zombie", "")).isInstanceOf(LeaseLostException.class);

		assertThat(second.waitFor(60, TimeUnit.SECONDS)).isTrue();
		assertThat(state(id)).isEqualTo(RunState.SUCCEEDED);
		assertThat(attemptState(id, 2)).isEqualTo("SUCCEEDED");
		assertEveryStepExactlyOnce(id, 60);
		int resumedFrom = (Integer) attempt(id, 2).get("resumed_from_step");
		assertThat(resumedFrom).isLessThanOrEqualTo(stoppedAt);
		assertThat(jdbc.sql("SELECT count(*) FROM run_metrics WHERE run_id = ? AND attempt = 1 AND NOT archived AND step > ?")
			.params(id.value(), resumedFrom)
			.query(Long.class)
			.single()).as("visible rows of the zombie after the resume point").isZero();
		assertThat(jdbc.sql("SELECT count(*) FROM checkpoints WHERE run_id = ? AND attempt = 1 AND step > ?")
			.params(id.value(), resumedFrom)
			.query(Long.class)
			.single()).as("checkpoints of the zombie after the resume point").isZero();
	}

	@Test
	void killedWhileWritingACheckpointResumesFromThePreviousOneAndQuarantinesTheTornOne() throws Exception {
		RunId id = queueRun("steps=30,checkpointEvery=10,stepMillis=5,tornAtStep=20,faultAttempt=1", 3);
		sweeper.start();
		Process first = startWorkerProcess("torn");
		Path torn = dataDir.resolve("artifacts/runs/" + id.value() + "/attempt-1/checkpoint-20");
		await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(torn.resolve("optimizer.pt")));
		first.destroyForcibly();
		assertThat(torn.resolve(CheckpointStore.MARKER)).doesNotExist();

		// the successor runs in this JVM: no crash loop, one more attempt, resume from 10
		Worker successor = worker("successor");
		await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
			.until(() -> successor.runOnce().isPresent());
		assertThat(state(id)).isEqualTo(RunState.SUCCEEDED);
		assertThat(attempt(id, 2)).containsEntry("resumed_from_step", 10).containsEntry("outcome", "SUCCEEDED");
		assertThat(torn).doesNotExist();
		try (var quarantined = Files.list(dataDir.resolve("artifacts/runs/" + id.value() + "/quarantine"))) {
			assertThat(quarantined.map(p -> p.getFileName().toString())).anyMatch(n -> n.startsWith("attempt-1-checkpoint-20"));
		}
		assertEveryStepExactlyOnce(id, 30);
	}

	@Test
	void sigtermCheckpointsTheCurrentStepAndTheRunResumesThereWithoutUsingUpAnAttempt() throws Exception {
		// one attempt allowed: being preempted is not the run's failure
		RunId id = queueRun("steps=60,checkpointEvery=10,stepMillis=40", 1);
		sweeper.start();
		Process first = startWorkerProcess("preempted");
		await().atMost(Duration.ofSeconds(60)).until(() -> lastStep(id, 1) >= 23);
		signal(first, "TERM");
		assertThat(first.waitFor(20, TimeUnit.SECONDS)).as("exits within the grace period").isTrue();
		assertThat(first.exitValue()).as(processLog("preempted")).isZero();
		assertThat(processLog("preempted")).contains("SIGTERM");
		Map<String, Object> preempted = attempt(id, 1);
		assertThat(preempted).containsEntry("outcome", "PREEMPTED");
		assertThat(preempted.get("failure")).isNull();
		int stoppedAt = (Integer) preempted.get("last_step");
		assertThat(jdbc.sql("SELECT count(*) FROM checkpoints WHERE run_id = ? AND step = ?")
			.params(id.value(), stoppedAt)
			.query(Long.class)
			.single()).as("a checkpoint of the very step it stopped at").isEqualTo(1);
		assertThat(state(id)).isEqualTo(RunState.QUEUED);
		assertThat(runs.find(id).orElseThrow().stateReason()).startsWith("PREEMPTED: the worker was stopped after step " + stoppedAt);

		startWorkerProcess("successor");
		await().atMost(Duration.ofSeconds(60)).until(() -> state(id) == RunState.SUCCEEDED);
		assertThat(attempt(id, 2)).containsEntry("resumed_from_step", stoppedAt).containsEntry("outcome", "SUCCEEDED");
		assertEveryStepExactlyOnce(id, 60);
		assertThat(archivedSteps(id, 1)).as("no step was lost or repeated").isEmpty();
	}

	private void assertEveryStepExactlyOnce(RunId id, int steps) {
		List<Map<String, Object>> visible = jdbc.sql("""
				SELECT step, value FROM run_metrics WHERE run_id = ? AND name = 'loss' AND NOT archived ORDER BY step""")
			.param(id.value())
			.query()
			.listOfRows();
		assertThat(visible).extracting(r -> r.get("step")).containsExactlyElementsOf(IntStream.rangeClosed(1, steps).boxed().toList());
		// the resumed attempt continued from the checkpoint's state: the values of an uninterrupted run
		for (Map<String, Object> row : visible) {
			assertThat((Double) row.get("value")).isEqualTo(FakeTrainer.expectedLoss((Integer) row.get("step")));
		}
	}

	private List<Integer> archivedSteps(RunId id, int attempt) {
		return jdbc.sql("SELECT step FROM run_metrics WHERE run_id = ? AND attempt = ? AND name = 'loss' AND archived ORDER BY step")
			.params(id.value(), attempt)
			.query(Integer.class)
			.list();
	}

	private int lastStep(RunId id, int attempt) {
		return jdbc.sql("SELECT coalesce(max(last_step), -1) FROM run_attempts WHERE run_id = ? AND attempt = ?")
			.params(id.value(), attempt)
			.query(Integer.class)
			.single();
	}

	private String attemptState(RunId id, int attempt) {
		return jdbc.sql("""
				SELECT coalesce(max(CASE WHEN ended_at IS NULL THEN 'RUNNING' ELSE outcome END), 'NONE')
				FROM run_attempts WHERE run_id = ? AND attempt = ?""")
			.params(id.value(), attempt)
			.query(String.class)
			.single();
	}

	private Map<String, Object> attempt(RunId id, int attempt) {
		return jdbc.sql("SELECT * FROM run_attempts WHERE run_id = ? AND attempt = ?")
			.params(id.value(), attempt)
			.query()
			.singleRow();
	}

}

package dev.vlmr1.studio.executor;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.vlmr1.studio.Slow;
import dev.vlmr1.studio.run.RunId;
import dev.vlmr1.studio.run.RunState;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The local dispatcher with real child JVMs: it starts a worker per claimable run (at most one here),
 * classifies a child's exit code when the child could not record its end (crash: retried; fatal code 42:
 * failed at once, log tail kept), and kills a hung child and its process tree on cancel within two
 * heartbeats (T1.11's kill).
 */
@Slow
class LocalProcessDispatcherTests extends ExecutorTestSupport {

	private LocalProcessDispatcher dispatcher;

	@BeforeEach
	void startDispatcher() {
		dispatcher = new LocalProcessDispatcher(ledger, workerLaunch(), new FailureClassifier(java.util.Set.of(42)), 1,
				Duration.ofSeconds(1), Duration.ofMillis(100), Duration.ofSeconds(5));
		dispatcher.start();
	}

	@AfterEach
	void stopDispatcher() {
		dispatcher.stop();
	}

	@Test
	void aNudgeStartsAWorkerForANewRunWithoutWaitingForTheNextPoll() throws InterruptedException {
		dispatcher.stop();
		dispatcher = new LocalProcessDispatcher(ledger, workerLaunch(), new FailureClassifier(java.util.Set.of(42)), 1,
				Duration.ofHours(2), Duration.ofHours(1), Duration.ofSeconds(5));
		dispatcher.start();
		Thread.sleep(1000); // the first pass, at start, finds nothing to do; the next is an hour away
		RunId id = queueRun("steps=3,stepMillis=5", 1);
		Thread.sleep(2000);
		assertThat(dispatcher.liveWorkers()).as("no pass before the nudge").isZero();

		dispatcher.nudge(); // what the run module's RunQueued event does (LocalDispatchTriggers)
		await().atMost(Duration.ofSeconds(90)).until(() -> state(id).isTerminal());
		assertThat(state(id)).isEqualTo(RunState.SUCCEEDED);
	}

	@Test
	void crashedWorkersAreClassifiedByExitCode() {
		RunId crashOnce = queueRun("steps=6,stepMillis=5,exitAtStep=3,exitCode=1,faultAttempt=1", 3);
		RunId fatal = queueRun("steps=6,stepMillis=5,exitAtStep=2,exitCode=42", 3);
		sweeper.start();
		await().atMost(Duration.ofSeconds(90)).until(() -> state(crashOnce).isTerminal() && state(fatal).isTerminal());

		assertThat(state(crashOnce)).isEqualTo(RunState.SUCCEEDED);
		// the worker finishes its run before the dispatcher reaps its process and records the exit code
		await().atMost(Duration.ofSeconds(10)).until(() -> attempts(crashOnce).size() == 2
				&& attempts(crashOnce).get(1).get("exit_code") != null);
		List<Map<String, Object>> crashed = attempts(crashOnce);
		assertThat(crashed).hasSize(2);
		assertThat(crashed.get(0)).containsEntry("outcome", "FAILED").containsEntry("failure", "ERROR").containsEntry("exit_code", 1);
		assertThat((String) crashed.get(0).get("log_tail")).contains("exiting with code 1 at step 3");
		assertThat(crashed.get(1)).containsEntry("outcome", "SUCCEEDED").containsEntry("exit_code", 0);
		assertThat((String) crashed.get(1).get("worker_id")).startsWith("local-");

		assertThat(state(fatal)).isEqualTo(RunState.FAILED);
		assertThat(runs.find(fatal).orElseThrow().stateReason()).startsWith("FATAL_EXIT: worker exited with code 42");
		assertThat(attempts(fatal)).singleElement().satisfies(a -> {
			assertThat(a).containsEntry("failure", "FATAL_EXIT").containsEntry("exit_code", 42);
			assertThat((String) a.get("log_tail")).contains("exiting with code 42 at step 2");
		});
		await().atMost(Duration.ofSeconds(5)).until(() -> dispatcher.liveWorkers() == 0);
	}

	@Test
	void cancelKillsAHungWorkerAndItsProcessTreeWithinTwoHeartbeats() {
		RunId id = queueRun("steps=50,stepMillis=5,pauseAtStep=3", 3);
		await().atMost(Duration.ofSeconds(60)).until(() -> lastStep(id) == 3);
		List<Long> pids = dispatcher.workerPids();
		assertThat(pids).hasSize(1);
		ProcessHandle child = ProcessHandle.of(pids.get(0)).orElseThrow();

		runs.cancel(id, "user cancelled");
		// heartbeat 1 s: the dispatcher gives the worker one beat to stop by itself, then kills it
		await().atMost(Duration.ofMillis(2500)).pollInterval(Duration.ofMillis(50)).until(() -> !child.isAlive());
		await().atMost(Duration.ofSeconds(5)).until(() -> state(id) == RunState.CANCELLED);
		assertThat(attempts(id)).singleElement().satisfies(a -> assertThat(a).containsEntry("outcome", "CANCELLED"));
		await().atMost(Duration.ofSeconds(5)).until(() -> dispatcher.liveWorkers() == 0);
		assertThat(ProcessHandle.current().descendants().filter(p -> p.pid() == child.pid())).isEmpty();
	}

	@Test
	void aCooperativeWorkerStopsByItselfOnCancel() {
		RunId id = queueRun("steps=500,stepMillis=20", 3);
		await().atMost(Duration.ofSeconds(60)).until(() -> lastStep(id) >= 2);
		runs.cancel(id, "user cancelled");
		await().atMost(Duration.ofSeconds(5)).until(() -> state(id) == RunState.CANCELLED);
		await().atMost(Duration.ofSeconds(5)).until(() -> dispatcher.liveWorkers() == 0);
		await().atMost(Duration.ofSeconds(10)).until(() -> attempts(id).get(0).get("exit_code") != null);
		assertThat(attempts(id)).singleElement().satisfies(a -> assertThat(a).containsEntry("outcome", "CANCELLED")
			.containsEntry("exit_code", 0));
		assertThat(lastStep(id)).as("stopped within a step or so of the cancel").isLessThan(500);
	}

	@Test
	void theApplicationsShutdownHandsRunningRunsBackAtTheirCurrentStep() {
		RunId id = queueRun("steps=60,checkpointEvery=10,stepMillis=40", 1);
		await().atMost(Duration.ofSeconds(60)).until(() -> lastStep(id) >= 3);
		dispatcher.stop(); // SIGTERM to the worker, as the application's own shutdown does
		assertThat(dispatcher.workerPids()).isEmpty();
		Map<String, Object> preempted = attempts(id).get(0);
		assertThat(preempted).containsEntry("outcome", "PREEMPTED");
		int stoppedAt = (Integer) preempted.get("last_step");
		assertThat(checkpointSteps(id)).as("a checkpoint of the very step it stopped at").contains(stoppedAt);
		assertThat(state(id)).isEqualTo(RunState.QUEUED);

		dispatcher.start(); // the next start resumes it, though it allows one attempt only
		await().atMost(Duration.ofSeconds(90)).until(() -> state(id).isTerminal());
		assertThat(state(id)).isEqualTo(RunState.SUCCEEDED);
		assertThat(attempts(id).get(1)).containsEntry("resumed_from_step", stoppedAt).containsEntry("outcome", "SUCCEEDED");
	}

	private List<Integer> checkpointSteps(RunId id) {
		return jdbc.sql("SELECT step FROM checkpoints WHERE run_id = ? ORDER BY step").param(id.value()).query(Integer.class).list();
	}

	private int lastStep(RunId id) {
		return jdbc.sql("SELECT coalesce(max(last_step), -1) FROM run_attempts WHERE run_id = ?")
			.param(id.value())
			.query(Integer.class)
			.single();
	}

	private List<Map<String, Object>> attempts(RunId id) {
		return jdbc.sql("SELECT * FROM run_attempts WHERE run_id = ? ORDER BY attempt").param(id.value()).query().listOfRows();
	}

}

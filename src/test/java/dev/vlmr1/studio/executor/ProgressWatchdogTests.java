package dev.vlmr1.studio.executor;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.vlmr1.studio.Slow;
import dev.vlmr1.studio.run.RunId;
import dev.vlmr1.studio.run.RunState;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * T1.9 hung but alive: the trainer stops advancing while its heartbeats go on. After the progress timeout
 * (3 s here instead of 30 s, to keep the suite short) the sweeper revokes the attempt with
 * {@code NO_PROGRESS}; the worker's next heartbeat is refused and it stops; the run is retried or failed.
 */
@Slow
class ProgressWatchdogTests extends ExecutorTestSupport {

	@Override
	protected Map<String, Object> settings() {
		return Map.of("studio.executor.progress-timeout", "PT3S", "studio.executor.retry-base", "PT0.2S");
	}

	@Test
	void aHungAttemptIsKilledWithNoProgressAndTheRunRetried() throws Exception {
		RunId id = queueRun("steps=12,stepMillis=5,pauseAtStep=4,faultAttempt=1", 2);
		sweeper.start();
		try (InProcessWorkers workers = new InProcessWorkers()) {
			workers.serve(worker("w"), Duration.ofMillis(50), () -> state(id).isTerminal());
			await().atMost(Duration.ofSeconds(30)).until(() -> state(id).isTerminal());
			assertThat(workers.results).containsExactly(AttemptResult.LEASE_LOST, AttemptResult.SUCCEEDED);
			assertThat(workers.errors).isEmpty();
		}
		assertThat(state(id)).isEqualTo(RunState.SUCCEEDED);
		Map<String, Object> hung = jdbc.sql("SELECT * FROM run_attempts WHERE run_id = ? AND attempt = 1")
			.param(id.value())
			.query()
			.singleRow();
		assertThat(hung).containsEntry("outcome", "FAILED").containsEntry("failure", "NO_PROGRESS");
		assertThat((String) hung.get("reason")).contains("last step 4");
		assertThat(stateReasons(id)).anyMatch(r -> r.startsWith("NO_PROGRESS: no step advanced"));
	}

	@Test
	void heartbeatsAloneNeverKeepAStuckRunRunning() throws Exception {
		RunId id = queueRun("steps=12,stepMillis=5,pauseAtStep=2", 1);
		sweeper.start();
		try (InProcessWorkers workers = new InProcessWorkers()) {
			workers.serve(worker("w"), Duration.ofMillis(50), () -> state(id).isTerminal());
			await().atMost(Duration.ofSeconds(30)).until(() -> state(id).isTerminal());
		}
		assertThat(state(id)).isEqualTo(RunState.FAILED);
		assertThat(runs.find(id).orElseThrow().stateReason()).startsWith("NO_PROGRESS:");
	}

	private java.util.List<String> stateReasons(RunId id) {
		return jdbc.sql("SELECT payload->>'reason' FROM run_events WHERE run_id = ? AND type = 'STATE' AND payload->>'reason' IS NOT NULL")
			.param(id.value())
			.query(String.class)
			.list();
	}

}

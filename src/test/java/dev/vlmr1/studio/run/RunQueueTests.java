package dev.vlmr1.studio.run;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;

import dev.vlmr1.studio.web.CurrentUser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The work queue as workers see it: SKIP LOCKED claim exclusivity, lease expiry and re-claim, fencing of a
 * zombie attempt, and metrics keyed by (run, step, name) (T5.7).
 */
class RunQueueTests extends RunTestSupport {

	@Test
	void twoConcurrentClaimersNeverGetTheSameRun() throws Exception {
		drainQueue();
		CurrentUser owner = newUser(false);
		Set<Long> queued = new HashSet<>();
		for (int i = 0; i < 40; i++) {
			queued.add(queuedRun(owner).value());
		}
		ConcurrentLinkedQueue<Long> claimed = new ConcurrentLinkedQueue<>();
		CountDownLatch start = new CountDownLatch(1);
		ExecutorService pool = Executors.newFixedThreadPool(2);
		try {
			List<Future<?>> workers = new ArrayList<>();
			for (int w = 0; w < 2; w++) {
				String name = "worker-" + w;
				workers.add(pool.submit(() -> {
					start.await();
					Optional<ClaimedRun> run;
					while ((run = runs.claimNext(name)).isPresent()) {
						claimed.add(run.get().id().value());
					}
					return null;
				}));
			}
			start.countDown();
			for (Future<?> f : workers) {
				f.get();
			}
		}
		finally {
			pool.shutdownNow();
		}
		assertThat(claimed).doesNotHaveDuplicates();
		assertThat(new HashSet<>(claimed)).isEqualTo(queued);
		Integer attempts = jdbc.sql("SELECT sum(attempt)::int FROM runs WHERE id = ANY(?)")
			.param(queued.toArray(Long[]::new))
			.query(Integer.class)
			.single();
		assertThat(attempts).isEqualTo(queued.size());
	}

	@Test
	void expiredLeaseIsRequeuedAndTheZombieIsFenced() {
		drainQueue();
		RunId id = queuedRun(newUser(false));
		ClaimedRun first = runs.claimNext("worker-a").orElseThrow();
		assertThat(first.attempt()).isEqualTo(1);
		assertThat(first.lastCheckpointStep()).isEqualTo(-1);
		runs.recordMetrics(id, first.leaseToken(), 1, Map.of("loss", 1.0));
		runs.recordCheckpoint(id, first.leaseToken(), 1, "/ckpt/1");
		runs.recordMetrics(id, first.leaseToken(), 2, Map.of("loss", 0.9));
		assertThat(runs.reclaimExpiredLeases()).as("lease still valid").isZero();

		expireLease(id);
		assertThat(runs.reclaimExpiredLeases()).isEqualTo(1);
		assertThat(details(id).state()).isEqualTo(RunState.QUEUED);
		assertThat(details(id).stateReason()).startsWith("WORKER_LOST");

		ClaimedRun second = runs.claimNext("worker-b").orElseThrow();
		assertThat(second.attempt()).isEqualTo(2);
		assertThat(second.lastCheckpointStep()).isEqualTo(1);
		assertThat(runs.archiveMetricsAfter(id, second.leaseToken(), second.lastCheckpointStep())).isEqualTo(1);
		runs.recordMetrics(id, second.leaseToken(), 2, Map.of("loss", 0.8));

		// attempt 1 wakes up: every write is refused
		assertThatThrownBy(() -> runs.heartbeat(id, first.leaseToken())).isInstanceOf(LeaseLostException.class);
		assertThatThrownBy(() -> runs.recordMetrics(id, first.leaseToken(), 3, Map.of("loss", 0.1)))
			.isInstanceOf(LeaseLostException.class);
		assertThatThrownBy(() -> runs.recordCheckpoint(id, first.leaseToken(), 3, "/zombie"))
			.isInstanceOf(LeaseLostException.class);
		assertThatThrownBy(() -> runs.finish(id, first.leaseToken(), RunState.SUCCEEDED, null))
			.isInstanceOf(LeaseLostException.class);

		runs.finish(id, second.leaseToken(), RunState.SUCCEEDED, null);
		assertThat(runs.attempts(id)).extracting(RunAttempt::attempt, RunAttempt::workerId, RunAttempt::outcome)
			.containsExactly(org.assertj.core.groups.Tuple.tuple(1, "worker-a", "LOST"),
					org.assertj.core.groups.Tuple.tuple(2, "worker-b", "SUCCEEDED"));
		assertThat(runs.attempts(id)).allSatisfy(a -> assertThat(a.endedAt()).isNotNull());
		List<MetricPoint> loss = metric(id, "loss");
		assertThat(loss).containsExactly(new MetricPoint(1, 1.0), new MetricPoint(2, 0.8));
		assertThat(jdbc.sql("SELECT count(*) FROM run_metrics WHERE run_id = ? AND archived AND attempt = 1")
			.param(id.value()).query(Integer.class).single()).isEqualTo(1);
	}

	@Test
	void leaseLostWithNoAttemptsLeftFailsTheRun() {
		drainQueue();
		RunId id = queuedRun(newUser(false));
		for (int attempt = 1; attempt <= 3; attempt++) {
			assertThat(runs.claimNext("w").orElseThrow().attempt()).isEqualTo(attempt);
			expireLease(id);
			runs.reclaimExpiredLeases();
		}
		assertThat(details(id).state()).isEqualTo(RunState.FAILED);
		assertThat(details(id).stateReason()).contains("attempt 3 of 3");
		assertThat(runs.attempts(id)).extracting(RunAttempt::outcome).containsExactly("LOST", "LOST", "LOST");
		assertThat(runs.claimNext("w")).isEmpty();
	}

	@Test
	void duplicateMetricIsUpsertedNeverDoubleCounted() {
		drainQueue();
		RunId id = queuedRun(newUser(false));
		ClaimedRun claim = runs.claimNext("w").orElseThrow();
		runs.recordMetrics(id, claim.leaseToken(), 5, Map.of("reward", 0.5, "kl", 0.01));
		runs.recordMetrics(id, claim.leaseToken(), 5, Map.of("reward", 0.7));
		assertThat(metric(id, "reward")).containsExactly(new MetricPoint(5, 0.7));
		assertThat(jdbc.sql("SELECT count(*) FROM run_metrics WHERE run_id = ? AND step = 5 AND name = 'reward'")
			.param(id.value()).query(Integer.class).single()).isEqualTo(1);
		// the database itself refuses a second live row for (run, step, name)
		assertThatThrownBy(() -> jdbc.sql("INSERT INTO run_metrics (run_id, attempt, step, name, value) VALUES (?, 1, 5, 'reward', 1)")
			.param(id.value()).update()).hasMessageContaining("run_metrics_live_uq");
		assertThat(details(id).currentStep()).isEqualTo(5);
		assertThatThrownBy(() -> runs.recordMetrics(id, claim.leaseToken(), -1, Map.of("x", 1.0)))
			.hasMessageContaining("step must be >= 0");
	}

	@Test
	void heartbeatTellsTheWorkerAboutCancellation() {
		drainQueue();
		RunId id = queuedRun(newUser(false));
		ClaimedRun claim = runs.claimNext("w").orElseThrow();
		assertThat(runs.heartbeat(id, claim.leaseToken())).isEqualTo(RunState.RUNNING);
		runs.cancel(id, "user");
		assertThat(runs.heartbeat(id, claim.leaseToken())).isEqualTo(RunState.CANCELLING);
		assertThatThrownBy(() -> runs.finish(id, claim.leaseToken(), RunState.SUCCEEDED, null))
			.hasMessageContaining("cannot move from CANCELLING to SUCCEEDED");
		runs.finish(id, claim.leaseToken(), RunState.CANCELLED, null);
		assertThat(details(id).state()).isEqualTo(RunState.CANCELLED);
		assertThat(details(id).finishedAt()).isNotNull();
	}

	private List<MetricPoint> metric(RunId id, String name) {
		return jdbc.sql("SELECT step, value FROM run_metrics WHERE run_id = ? AND name = ? AND NOT archived ORDER BY step")
			.params(id.value(), name)
			.query((rs, n) -> new MetricPoint(rs.getInt(1), rs.getDouble(2)))
			.list();
	}

	/** Moves the lease into the past in database time, as if no heartbeat came for a whole lease. */
	private void expireLease(RunId id) {
		jdbc.sql("UPDATE runs SET lease_expires_at = now() - interval '1 second' WHERE id = ?").param(id.value()).update();
	}

}

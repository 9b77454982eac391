package dev.vlmr1.studio.executor;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import dev.vlmr1.studio.run.RunManagement;

/**
 * The reaper: every {@code sweepInterval} it (1) re-queues or fails runs whose lease lapsed in database
 * time, their attempts LOST, with the retry back-off, and (2) kills attempts that heart-beat but
 * have not advanced a step for {@code progressTimeout} ({@code NO_PROGRESS}): their lease is revoked, so
 * the worker's next heartbeat is refused and it exits.
 *
 * <p>Several application instances may all run it: expired runs are taken with {@code SKIP LOCKED} and
 * every transition is a compare-and-set, so two sweepers never move the same run twice.
 */
class LeaseSweeper implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(LeaseSweeper.class);

	private final RunManagement runs;

	private final AttemptLedger ledger;

	private final TransactionTemplate tx;

	private final Duration interval;

	private final Duration progressTimeout;

	private volatile @Nullable ScheduledExecutorService scheduler;

	LeaseSweeper(RunManagement runs, AttemptLedger ledger, PlatformTransactionManager transactions, Duration interval,
			Duration progressTimeout) {
		this.runs = runs;
		this.ledger = ledger;
		this.tx = new TransactionTemplate(transactions);
		this.interval = interval;
		this.progressTimeout = progressTimeout;
	}

	/**
	 * Reaps expired leases (the run module closes their attempts as LOST); the executor classifies them
	 * WORKER_LOST and holds re-queued runs back for their back-off. Returns the number of attempts lost.
	 */
	int reapExpiredLeases() {
		Integer lost = tx.execute(status -> {
			runs.reclaimExpiredLeases();
			RetryPolicy retry = ledger.retryPolicy();
			return ledger.jdbc().sql("""
					WITH lost AS (
					  UPDATE run_attempts a SET failure = 'WORKER_LOST',
					    retry_at = CASE WHEN r.state = 'QUEUED'
					      THEN now() + make_interval(secs => least(:base * power(2, a.attempt - r.preemptions - 1), :max)) END
					  FROM runs r
					  WHERE r.id = a.run_id AND r.attempt = a.attempt AND a.outcome = 'LOST' AND a.failure IS NULL
					  RETURNING a.run_id, a.retry_at),
					delayed AS (
					  UPDATE runs SET retry_at = lost.retry_at FROM lost
					  WHERE runs.id = lost.run_id AND runs.state = 'QUEUED' AND lost.retry_at IS NOT NULL)
					SELECT count(*) FROM lost""")
				.param("base", retry.base().toMillis() / 1000.0)
				.param("max", retry.max().toMillis() / 1000.0)
				.query(Integer.class)
				.single();
		});
		return lost == null ? 0 : lost;
	}

	/** Fails attempts whose step has not advanced within the progress timeout; returns how many. */
	int killStalledAttempts() {
		List<long[]> stalled = ledger.jdbc().sql("""
				SELECT a.run_id, a.attempt, a.last_step FROM run_attempts a
				JOIN runs r ON r.id = a.run_id AND r.attempt = a.attempt AND r.state = 'RUNNING'
				WHERE a.ended_at IS NULL AND a.progress_at < now() - make_interval(secs => ?)""")
			.param(progressTimeout.toMillis() / 1000.0)
			.query((rs, n) -> new long[] { rs.getLong(1), rs.getLong(2), rs.getLong(3) })
			.list();
		int killed = 0;
		for (long[] a : stalled) {
			String reason = "no step advanced for " + progressTimeout.toSeconds() + " s (last step " + a[2] + ")";
			if (ledger.failAttempt(a[0], (int) a[1], FailureKind.NO_PROGRESS, reason, null, "")) {
				log.warn("run {} attempt {}: {}", a[0], a[1], reason);
				killed++;
			}
		}
		return killed;
	}

	void sweep() {
		try {
			int lost = reapExpiredLeases();
			int stalled = killStalledAttempts();
			if (lost + stalled > 0) {
				log.info("lease sweep: {} attempt(s) lost, {} stalled", lost, stalled);
			}
		}
		catch (RuntimeException ex) {
			// the next sweep tries again; a database outage must not kill the scheduler
			log.warn("lease sweep failed: {}", ex.toString());
		}
	}

	@Override
	public synchronized void start() {
		if (scheduler != null) {
			return; // started twice would leave a second scheduler that nothing stops
		}
		scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
			Thread t = new Thread(r, "lease-sweeper");
			t.setDaemon(true);
			return t;
		});
		scheduler.scheduleWithFixedDelay(this::sweep, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
	}

	@Override
	public synchronized void stop() {
		ScheduledExecutorService s = scheduler;
		if (s != null) {
			s.shutdownNow();
			scheduler = null;
		}
	}

	@Override
	public boolean isRunning() {
		return scheduler != null;
	}

}

package dev.vlmr1.studio.executor;

import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import dev.vlmr1.studio.run.RunAlarm;
import dev.vlmr1.studio.run.EvalResultRecord;
import dev.vlmr1.studio.run.LeaseLostException;
import dev.vlmr1.studio.run.RolloutSampleRecord;
import dev.vlmr1.studio.run.RunDetails;
import dev.vlmr1.studio.run.RunId;
import dev.vlmr1.studio.run.RunManagement;
import dev.vlmr1.studio.run.RunState;
import dev.vlmr1.studio.web.ApiProblem;

/**
 * Attempts of runs ({@code run_attempts}) kept in step with the run module's queue: each worker call goes
 * through {@link RunManagement} (fenced by the lease token) and updates the attempt row in the same
 * transaction, so a zombie's call changes neither.
 *
 * <p>Also the supervisor's side: the dispatcher ends an attempt whose process died, and the sweeper marks
 * attempts whose lease lapsed as LOST; both act only while the run is still held by that attempt.
 */
class AttemptLedger implements WorkerBackend {

	private static final int CONFLICT_RETRIES = 5;

	private final RunManagement runs;

	private final JdbcClient jdbc;

	private final TransactionTemplate tx;

	private final RetryPolicy retry;

	AttemptLedger(RunManagement runs, JdbcClient jdbc, PlatformTransactionManager transactions, RetryPolicy retry) {
		this.runs = runs;
		this.jdbc = jdbc;
		this.tx = new TransactionTemplate(transactions);
		this.retry = retry;
	}

	JdbcClient jdbc() {
		return jdbc;
	}

	RetryPolicy retryPolicy() {
		return retry;
	}

	@Override
	public Optional<Assignment> claim(String workerId) {
		return inTx(() -> runs.claimNext(workerId).map(claim -> {
			long id = claim.id().value();
			// the run module opened the attempt row with the claim; the executor adds what it trains on
			String inputs = inputsFingerprint(id);
			String first = jdbc.sql("""
					SELECT inputs_sha256 FROM run_attempts WHERE run_id = ? AND inputs_sha256 IS NOT NULL
					ORDER BY attempt LIMIT 1""")
				.param(id)
				.query(String.class)
				.optional()
				.orElse(null);
			jdbc.sql("UPDATE run_attempts SET inputs_sha256 = ?, progress_at = now() WHERE run_id = ? AND attempt = ?")
				.params(inputs, id, claim.attempt())
				.update();
			String drift = first == null || first.equals(inputs) ? null
					: "the run's inputs (dataset content, model, configuration) changed since its first attempt; "
							+ "resuming would mix two experiments: fork a new run";
			List<CheckpointStore.ResumePoint> checkpoints = runs.checkpoints(claim.id())
				.stream()
				.map(c -> new CheckpointStore.ResumePoint(c.step(), Path.of(c.path())))
				.toList();
			return new Assignment(claim.details(), claim.attempt(), claim.leaseToken(), checkpoints, drift);
		}));
	}

	/**
	 * A sha256 over what a run trains on, computed in SQL from the run row, its datasets' content hashes and
	 * its model's path (read-only look at the dataset and catalog tables).
	 */
	private String inputsFingerprint(long runId) {
		return jdbc.sql("""
				SELECT encode(sha256(convert_to(concat_ws('|', r.type, r.model_id, coalesce(m.path, '?'),
				  r.hyperparameters::text, coalesce(r.reward_terms::text, ''),
				  (SELECT string_agg(d.role || ':' || d.dataset_id || ':' || coalesce(ds.content_sha256, '?'), ','
				          ORDER BY d.role, d.position)
				   FROM run_datasets d LEFT JOIN datasets ds ON ds.id = d.dataset_id WHERE d.run_id = r.id)), 'UTF8')), 'hex')
				FROM runs r LEFT JOIN models m ON m.id = r.model_id WHERE r.id = ?""")
			.param(runId)
			.query(String.class)
			.single();
	}

	@Override
	public RunState heartbeat(Assignment a) {
		return runs.heartbeat(a.runId(), a.leaseToken());
	}

	@Override
	public void startAt(Assignment a, int step) {
		inTx(() -> {
			runs.archiveMetricsAfter(a.runId(), a.leaseToken(), step);
			return jdbc.sql("""
					UPDATE run_attempts SET resumed_from_step = ?, last_step = ?, progress_at = now()
					WHERE run_id = ? AND attempt = ? AND ended_at IS NULL""")
				.params(step, step, a.runId().value(), a.attempt())
				.update();
		});
	}

	@Override
	public void reportStep(Assignment a, int step, Map<String, Double> metrics) {
		inTx(() -> {
			runs.recordMetrics(a.runId(), a.leaseToken(), step, metrics);
			return jdbc.sql("""
					UPDATE run_attempts SET progress_at = CASE WHEN ? > last_step THEN now() ELSE progress_at END,
					  last_step = greatest(last_step, ?) WHERE run_id = ? AND attempt = ? AND ended_at IS NULL""")
				.params(step, step, a.runId().value(), a.attempt())
				.update();
		});
	}

	@Override
	public void declareTotalSteps(Assignment a, int totalSteps) {
		runs.recordTotalSteps(a.runId(), a.leaseToken(), totalSteps);
	}

	@Override
	public void log(Assignment a, List<String> lines) {
		runs.recordLog(a.runId(), a.leaseToken(), lines);
	}

	@Override
	public void reportRollouts(Assignment a, int step, List<RolloutSampleRecord> samples) {
		runs.recordRollouts(a.runId(), a.leaseToken(), step, samples);
	}

	@Override
	public void reportEvalResults(Assignment a, int step, List<EvalResultRecord> results) {
		runs.recordEvalResults(a.runId(), a.leaseToken(), step, results);
	}

	@Override
	public void alarm(Assignment a, int step, RunAlarm alarm) {
		runs.recordAlarm(a.runId(), a.leaseToken(), step, alarm);
	}

	@Override
	public void commitCheckpoint(Assignment a, int step, Path dir) {
		runs.recordCheckpoint(a.runId(), a.leaseToken(), step, dir.toString());
	}

	@Override
	public AttemptResult complete(Assignment a, String logTail) {
		return retryOnConflict(() -> inTx(() -> {
			RunDetails run = runs.find(a.runId()).orElseThrow(() -> new LeaseLostException(a.runId()));
			if (run.state() == RunState.CANCELLING) {
				runs.finish(a.runId(), a.leaseToken(), RunState.CANCELLED, "cancelled");
				annotate(a.runId(), a.attempt(), null, null, null, logTail, null);
				return AttemptResult.CANCELLED;
			}
			runs.finish(a.runId(), a.leaseToken(), RunState.SUCCEEDED, null);
			annotate(a.runId(), a.attempt(), null, null, null, logTail, null);
			return AttemptResult.SUCCEEDED;
		}));
	}

	@Override
	public AttemptResult preempted(Assignment a, int step, String logTail) {
		return retryOnConflict(() -> inTx(() -> {
			RunDetails run = runs.find(a.runId()).orElseThrow(() -> new LeaseLostException(a.runId()));
			if (run.state() == RunState.CANCELLING) {
				runs.finish(a.runId(), a.leaseToken(), RunState.CANCELLED, "cancelled");
				annotate(a.runId(), a.attempt(), null, null, null, logTail, null);
				return AttemptResult.CANCELLED;
			}
			runs.preempt(a.runId(), a.leaseToken(), "PREEMPTED: the worker was stopped after step " + step
					+ "; the run resumes from that step's checkpoint");
			annotate(a.runId(), a.attempt(), null, null, null, logTail, null);
			return AttemptResult.PREEMPTED;
		}));
	}

	@Override
	public void fail(Assignment a, FailureKind kind, String reason, String logTail) {
		retryOnConflict(() -> inTx(() -> failHeld(a.runId(), a.attempt(), a.leaseToken(), kind, reason, null, logTail)));
	}

	/**
	 * Ends attempt {@code attemptNo} for a supervisor that saw its worker die (exit code, log tail) or stall:
	 * the run is re-queued or failed as if the worker had reported the failure itself. An attempt that no
	 * longer holds its run is only marked LOST.
	 * @return whether the attempt still held the run
	 */
	boolean failAttempt(long runId, int attemptNo, FailureKind kind, String reason, @Nullable Integer exitCode,
			String logTail) {
		return retryOnConflict(() -> inTx(() -> {
			UUID token = currentToken(runId, attemptNo);
			if (token == null) {
				// the attempt already ended (its lease lapsed, or it reported): keep what the supervisor saw
				jdbc.sql("""
						UPDATE run_attempts SET failure = coalesce(failure, ?), exit_code = coalesce(exit_code, ?),
						  log_tail = coalesce(log_tail, ?) WHERE run_id = ? AND attempt = ?""")
					.params(kind.name(), exitCode, logTail.isEmpty() ? null : logTail, runId, attemptNo)
					.update();
				return false;
			}
			failHeld(new RunId(runId), attemptNo, token, kind, reason, exitCode, logTail);
			return true;
		}));
	}

	/** Keeps the exit code and log tail of a worker process with its (already ended) attempt. */
	void recordExit(long runId, int attemptNo, int exitCode, String logTail) {
		jdbc.sql("""
				UPDATE run_attempts SET exit_code = coalesce(exit_code, ?), log_tail = CASE WHEN ? = '' THEN log_tail ELSE ? END
				WHERE run_id = ? AND attempt = ?""")
			.params(exitCode, logTail, logTail, runId, attemptNo)
			.update();
	}

	/** The attempt a worker id took, if it claimed one: {@code [runId, attemptNo]}. */
	Optional<long[]> attemptOf(String workerId) {
		return jdbc.sql("SELECT run_id, attempt FROM run_attempts WHERE worker_id = ? ORDER BY started_at DESC LIMIT 1")
			.param(workerId)
			.query((rs, n) -> new long[] { rs.getLong(1), rs.getLong(2) })
			.optional();
	}

	private Boolean failHeld(RunId id, int attemptNo, UUID token, FailureKind kind, String reason,
			@Nullable Integer exitCode, String logTail) {
		RunDetails run = runs.find(id).orElseThrow(() -> new LeaseLostException(id));
		String why = kind + ": " + reason;
		if (run.state() == RunState.CANCELLING) {
			runs.finish(id, token, RunState.CANCELLED, "cancelled; attempt ended with " + why);
			annotate(id, attemptNo, null, kind, exitCode, logTail, null);
			return false;
		}
		boolean again = retry.retries(kind, run.countedAttempts(), run.maxAttempts());
		runs.finish(id, token, again ? RunState.QUEUED : RunState.FAILED, why);
		Timestamp retryAt = null;
		if (again) {
			retryAt = jdbc.sql("UPDATE runs SET retry_at = now() + make_interval(secs => ?) WHERE id = ? RETURNING retry_at")
				.params(retry.backoff(run.countedAttempts()).toMillis() / 1000.0, id.value())
				.query(Timestamp.class)
				.single();
		}
		// the run module closed the attempt as REQUEUED/FAILED; a failure that is re-tried is still a failure
		annotate(id, attemptNo, kind == FailureKind.WORKER_LOST ? "LOST" : "FAILED", kind, exitCode, logTail, retryAt);
		return again;
	}

	private @Nullable UUID currentToken(long runId, int attemptNo) {
		return jdbc.sql("""
				SELECT lease_token FROM runs WHERE id = ? AND attempt = ? AND state IN ('RUNNING', 'CANCELLING')
				  AND lease_token IS NOT NULL FOR UPDATE""")
			.params(runId, attemptNo)
			.query(UUID.class)
			.optional()
			.orElse(null);
	}

	/** Adds the executor's view to an attempt the run module just closed (same transaction). */
	private void annotate(RunId id, int attemptNo, @Nullable String outcome, @Nullable FailureKind kind,
			@Nullable Integer exitCode, String logTail, @Nullable Timestamp retryAt) {
		jdbc.sql("""
				UPDATE run_attempts SET outcome = coalesce(?, outcome), failure = ?, exit_code = ?, log_tail = ?, retry_at = ?
				WHERE run_id = ? AND attempt = ?""")
			.params(outcome, kind == null ? null : kind.name(), exitCode, logTail.isEmpty() ? null : logTail, retryAt,
					id.value(), attemptNo)
			.update();
	}

	private <T> T inTx(Supplier<T> work) {
		return tx.execute(status -> work.get());
	}

	/** A finish that lost a race (a cancel moved the run) is decided again on the new state. */
	private static <T> T retryOnConflict(Supplier<T> work) {
		for (int i = 1;; i++) {
			try {
				return work.get();
			}
			catch (LeaseLostException ex) {
				throw ex;
			}
			catch (ApiProblem ex) {
				if (ex.getStatusCode().value() != 409 || i == CONFLICT_RETRIES) {
					throw ex;
				}
			}
		}
	}

}

package dev.vlmr1.studio.run;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import dev.vlmr1.studio.web.ApiProblem;

/**
 * The run module's API for workers and other modules: claim queued runs under a lease, heartbeat, report
 * metrics, logs, rollout samples and checkpoints (complete ones become catalog models), finish, cancel, and
 * re-queue runs whose worker went silent.
 *
 * <p>Every state change goes through {@link RunState}'s table and a compare-and-set on the run's
 * {@code version}; every write of a worker is fenced by its lease token, so a worker that lost its lease
 * (a zombie) changes nothing and gets a {@link LeaseLostException}. Lease times are the database's.
 */
@Service
public class RunManagement {

	private static final int CANCEL_RETRIES = 5;

	private final RunStore runs;

	private final RunTelemetryStore telemetry;

	private final RunProperties properties;

	private final ApplicationEventPublisher events;

	private final RunRolloutStore rollouts;

	private final RolloutImages images;

	private final CheckpointRegistration registration;

	private final RunEvalResultStore evalResults;

	RunManagement(RunStore runs, RunTelemetryStore telemetry, RunProperties properties, ApplicationEventPublisher events,
			RunRolloutStore rollouts, RolloutImages images, CheckpointRegistration registration,
			RunEvalResultStore evalResults) {
		this.evalResults = evalResults;
		this.runs = runs;
		this.telemetry = telemetry;
		this.properties = properties;
		this.events = events;
		this.rollouts = rollouts;
		this.images = images;
		this.registration = registration;
	}

	/** Every claim of the run so far, with how each ended (the attempt history). */
	@Transactional(readOnly = true)
	public List<RunAttempt> attempts(RunId id) {
		return runs.attempts(id.value());
	}

	/** The checkpoints a run registered, by step (for resume, evaluation and the demos). */
	@Transactional(readOnly = true)
	public List<Checkpoint> checkpoints(RunId id) {
		return telemetry.checkpoints(id.value()).stream()
			.map(c -> new Checkpoint(id, (Integer) c.get("step"), (Integer) c.get("attempt"), (String) c.get("path"),
					(java.time.Instant) c.get("createdAt")))
			.toList();
	}

	@Transactional(readOnly = true)
	public Optional<RunDetails> find(RunId id) {
		return runs.find(id.value());
	}

	/** Claims the oldest QUEUED run for {@code workerId}, or returns empty when none is free. */
	@Transactional
	public Optional<ClaimedRun> claimNext(String workerId) {
		UUID token = UUID.randomUUID();
		return runs.claimNext(workerId, properties.lease(), token).map(id -> {
			RunDetails details = runs.find(id).orElseThrow();
			events.publishEvent(new RunStateChanged(details.id(), RunState.QUEUED, RunState.RUNNING));
			return new ClaimedRun(details, details.attempt(), token, runs.leaseExpiry(id).orElseThrow(),
					telemetry.lastCheckpointStep(id));
		});
	}

	/**
	 * Extends the lease. The answer tells the worker whether to go on ({@code RUNNING}) or to stop and
	 * {@link #finish} with {@code CANCELLED} ({@code CANCELLING}).
	 */
	@Transactional
	public RunState heartbeat(RunId id, UUID leaseToken) {
		return runs.heartbeat(id.value(), leaseToken, properties.lease()).orElseThrow(() -> new LeaseLostException(id));
	}

	/** Records the metrics of one step (upserted per (run, step, name)) and streams them as one event. */
	@Transactional
	public void recordMetrics(RunId id, UUID leaseToken, int step, Map<String, Double> values) {
		if (step < 0) {
			throw ApiProblem.badRequest("metric-invalid", "step must be >= 0, got " + step);
		}
		long[] seq = lock(id, leaseToken);
		telemetry.upsertMetrics(id.value(), (int) seq[1], step, values);
		Integer totalSteps = runs.setProgress(id.value(), step, null);
		Map<String, Object> payload = new LinkedHashMap<>();
		payload.put("step", step);
		if (totalSteps != null) {
			// the page's progress bar and ETA need it, and it may have been declared after the page loaded
			payload.put("totalSteps", totalSteps);
		}
		payload.put("values", values);
		telemetry.insertEvent(id.value(), seq[0], "METRICS", (int) seq[1], payload);
	}

	/** Appends log lines of the attempt to the run's event log. */
	@Transactional
	public void recordLog(RunId id, UUID leaseToken, List<String> lines) {
		long[] seq = lock(id, leaseToken);
		telemetry.insertEvent(id.value(), seq[0], "LOG", (int) seq[1], Map.of("lines", lines));
	}

	/**
	 * Stores a bounded sample of a step's rollouts for the gallery (at most {@value RolloutLimits#MAX_SAMPLES};
	 * a repeated report of the step replaces it) and announces it with a {@code ROLLOUTS} event.
	 * @throws LeaseLostException when the token no longer holds the run
	 * @throws ApiProblem 400 when the sample is too large or malformed
	 */
	@Transactional
	public void recordRollouts(RunId id, UUID leaseToken, int step, List<RolloutSampleRecord> samples) {
		List<RolloutSampleRecord> checked = RolloutLimits.checked(step, samples, images);
		long[] seq = lock(id, leaseToken);
		rollouts.replaceStep(id.value(), (int) seq[1], step, checked);
		telemetry.insertEvent(id.value(), seq[0], "ROLLOUTS", (int) seq[1], Map.of("step", step, "count", checked.size()));
	}

	/**
	 * Records a checkpoint written by the attempt (one per step; a rewrite replaces the path). A complete Hugging
	 * Face directory is also registered in the model catalog as {@code "run #<id> step <n>"}, owned by the run's
	 * owner, so a demo can open it; a directory the catalog refuses is only recorded (the reason goes to the log).
	 */
	@Transactional
	public void recordCheckpoint(RunId id, UUID leaseToken, int step, String path) {
		if (step < 0) {
			throw ApiProblem.badRequest("checkpoint-invalid", "step must be >= 0, got " + step);
		}
		long[] seq = lock(id, leaseToken);
		int attempt = (int) seq[1];
		Long modelId = telemetry.checkpointModel(id.value(), step, path).orElse(null);
		String refused = null;
		if (modelId == null) {
			CheckpointRegistration.Outcome outcome = registration.register(runs.find(id.value()).orElseThrow(), step,
					attempt, path);
			modelId = outcome.modelId();
			refused = outcome.problem();
		}
		telemetry.insertCheckpoint(id.value(), step, attempt, path, modelId);
		Map<String, Object> payload = new LinkedHashMap<>();
		payload.put("step", step);
		payload.put("path", path);
		payload.put("modelId", modelId);
		telemetry.insertEvent(id.value(), seq[0], "CHECKPOINT", attempt, payload);
		if (refused != null) {
			telemetry.insertEvent(id.value(), lock(id, leaseToken)[0], "LOG", attempt,
					Map.of("lines", List.of("checkpoint at step " + step + " not registered as a model: " + refused)));
		}
	}

	/**
	 * Stores the per-sample results of an evaluation at {@code step} (a repeated report replaces them), fenced by
	 * the lease like metrics.
	 * @throws LeaseLostException when the token no longer holds the run
	 */
	@Transactional
	public void recordEvalResults(RunId id, UUID leaseToken, int step, List<EvalResultRecord> results) {
		if (step < 0) {
			throw ApiProblem.badRequest("eval-invalid", "step must be >= 0, got " + step);
		}
		long[] seq = lock(id, leaseToken);
		evalResults.replaceStep(id.value(), (int) seq[1], step, results);
	}

	/** Records an {@code ALARM} event (reward hacking, a run that cannot learn) for the run page's banner. */
	@Transactional
	public void recordAlarm(RunId id, UUID leaseToken, int step, RunAlarm alarm) {
		long[] seq = lock(id, leaseToken);
		telemetry.insertEvent(id.value(), seq[0], "ALARM", (int) seq[1],
				Map.of("step", step, "kind", alarm.kind(), "title", alarm.title(), "message", alarm.message()));
	}

	/** Declares the planned number of steps, for progress and ETA. */
	@Transactional
	public void recordTotalSteps(RunId id, UUID leaseToken, int totalSteps) {
		lock(id, leaseToken);
		runs.setProgress(id.value(), 0, totalSteps);
	}

	/**
	 * Called by a resumed attempt: archives the live metric rows and rollout samples after its checkpoint's
	 * step (written by a lost attempt), which it is about to write again.
	 * @return the number of metric rows archived
	 */
	@Transactional
	public int archiveMetricsAfter(RunId id, UUID leaseToken, int step) {
		lock(id, leaseToken);
		rollouts.archiveAfter(id.value(), step);
		evalResults.archiveAfter(id.value(), step);
		return telemetry.archiveMetricsAfter(id.value(), step);
	}

	/**
	 * Ends the attempt: {@code SUCCEEDED} or {@code FAILED} from RUNNING, {@code CANCELLED} (or FAILED) once
	 * a cancel was requested.
	 * @throws LeaseLostException when the token no longer holds the run
	 * @throws ApiProblem 409 when the outcome is not allowed from the run's state, or the state changed
	 * concurrently (e.g. a cancel won: the worker learns it from its next heartbeat)
	 */
	@Transactional
	public RunDetails finish(RunId id, UUID leaseToken, RunState outcome, @Nullable String reason) {
		RunDetails run = runs.find(id.value()).orElseThrow(() -> ApiProblem.notFound("run " + id));
		if (!run.state().isLeased() || runs.heartbeat(id.value(), leaseToken, properties.lease()).isEmpty()) {
			throw new LeaseLostException(id);
		}
		requireAllowed(run, outcome);
		if (!runs.transition(id.value(), run.version(), run.state(), outcome, reason)) {
			throw ApiProblem.conflict("run-state-conflict", "run " + id + " changed concurrently; re-read its state");
		}
		events.publishEvent(new RunStateChanged(id, run.state(), outcome));
		return runs.find(id.value()).orElseThrow();
	}

	/**
	 * Hands a running run back to the queue because its worker is being stopped (SIGTERM: Slurm preemption or time
	 * limit, a shutdown) after it committed a checkpoint of its current step. The attempt ends PREEMPTED and does not
	 * count against the attempt budget; the run is claimable again at once.
	 * @throws LeaseLostException if {@code leaseToken} no longer holds the run
	 */
	@Transactional
	public RunDetails preempt(RunId id, UUID leaseToken, String reason) {
		RunDetails run = runs.find(id.value()).orElseThrow(() -> ApiProblem.notFound("run " + id));
		if (run.state() != RunState.RUNNING || runs.heartbeat(id.value(), leaseToken, properties.lease()).isEmpty()) {
			throw new LeaseLostException(id);
		}
		if (!runs.transition(id.value(), run.version(), run.state(), RunState.QUEUED, reason, "PREEMPTED")) {
			throw ApiProblem.conflict("run-state-conflict", "run " + id + " changed concurrently; re-read its state");
		}
		runs.countPreemption(id.value());
		events.publishEvent(new RunStateChanged(id, run.state(), RunState.QUEUED));
		return runs.find(id.value()).orElseThrow();
	}

	/**
	 * Cancels a run: a QUEUED run becomes CANCELLED, a RUNNING one CANCELLING (its worker stops at its next
	 * heartbeat). Cancelling a CANCELLING run changes nothing. A concurrent change (a claim) makes it
	 * re-read and decide again.
	 * @throws ApiProblem 409 when the run already ended
	 */
	@Transactional
	public RunDetails cancel(RunId id, @Nullable String reason) {
		return cancel(id, reason, null);
	}

	/**
	 * Cancels only if the run is still at {@code expectedVersion} (an {@code If-Match} from a client that
	 * read the run); a stale version is refused instead of re-read.
	 * @throws ApiProblem 412 when the run changed since the client read it
	 */
	@Transactional
	public RunDetails cancel(RunId id, @Nullable String reason, @Nullable Long expectedVersion) {
		for (int i = 0; i < CANCEL_RETRIES; i++) {
			RunDetails run = runs.find(id.value()).orElseThrow(() -> ApiProblem.notFound("run " + id));
			if (expectedVersion != null && run.version() != expectedVersion) {
				throw stale(id, expectedVersion, run.version());
			}
			RunState target = switch (run.state()) {
				case QUEUED -> RunState.CANCELLED;
				case RUNNING -> RunState.CANCELLING;
				case CANCELLING -> null;
				case SUCCEEDED, FAILED, CANCELLED -> throw ApiProblem.conflict("run-finished",
						"run " + id + " already ended " + run.state());
			};
			if (target == null) {
				return run;
			}
			if (runs.transition(id.value(), run.version(), run.state(), target, reason)) {
				events.publishEvent(new RunStateChanged(id, run.state(), target));
				return runs.find(id.value()).orElseThrow();
			}
			if (expectedVersion != null) {
				throw stale(id, expectedVersion, runs.find(id.value()).map(RunDetails::version).orElse(-1L));
			}
		}
		throw ApiProblem.conflict("run-state-conflict", "run " + id + " keeps changing; try again");
	}

	/**
	 * Re-queues (or fails, when attempts are used up) runs whose lease lapsed in database time, and
	 * completes cancellations whose worker is gone. Called periodically by the executor's sweeper.
	 * @return the number of runs moved
	 */
	@Transactional
	public int reclaimExpiredLeases() {
		int moved = 0;
		for (RunDetails run : runs.expiredLeases(100)) {
			RunState target = run.state() == RunState.CANCELLING ? RunState.CANCELLED
					: run.countedAttempts() < run.maxAttempts() ? RunState.QUEUED : RunState.FAILED;
			String reason = "WORKER_LOST: lease expired on attempt " + run.attempt() + " of " + run.maxAttempts();
			if (runs.transition(run.id().value(), run.version(), run.state(), target, reason, "LOST")) {
				events.publishEvent(new RunStateChanged(run.id(), run.state(), target));
				moved++;
			}
		}
		return moved;
	}

	/** Moves a run along the table with a version check; package-private for the API and tests. */
	@Transactional
	boolean transition(RunId id, long expectedVersion, RunState from, RunState to, @Nullable String reason) {
		if (!from.canMoveTo(to)) {
			throw illegal(id, from, to);
		}
		boolean moved = runs.transition(id.value(), expectedVersion, from, to, reason);
		if (moved) {
			events.publishEvent(new RunStateChanged(id, from, to));
		}
		return moved;
	}

	private void requireAllowed(RunDetails run, RunState target) {
		if (!run.state().canMoveTo(target)) {
			throw illegal(run.id(), run.state(), target);
		}
	}

	private static ApiProblem stale(RunId id, long expected, long actual) {
		return new ApiProblem(org.springframework.http.HttpStatus.PRECONDITION_FAILED, "run-version-mismatch",
				"Precondition failed", "run " + id + " is at version " + actual + ", not " + expected + "; re-read it")
			.with("version", actual);
	}

	private static ApiProblem illegal(RunId id, RunState from, RunState to) {
		return ApiProblem.conflict("illegal-transition", "run " + id + " cannot move from " + from + " to " + to)
			.with("allowed", from.allowedTargets());
	}

	private long[] lock(RunId id, UUID leaseToken) {
		return telemetry.lockForAttempt(id.value(), leaseToken).orElseThrow(() -> new LeaseLostException(id));
	}

}

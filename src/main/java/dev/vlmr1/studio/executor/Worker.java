package dev.vlmr1.studio.executor;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;

import dev.vlmr1.studio.run.RunAlarm;
import dev.vlmr1.studio.run.LeaseLostException;
import dev.vlmr1.studio.run.EvalResultRecord;
import dev.vlmr1.studio.run.RolloutSampleRecord;
import dev.vlmr1.studio.run.RunDetails;
import dev.vlmr1.studio.run.RunState;

/**
 * The worker's inner loop for one attempt, in plain Java: claim a run, pick the checkpoint to resume from
 * (quarantining torn ones), heartbeat on a side thread while the {@link TrainingJob} trains, and record how
 * the attempt ended.
 *
 * <p>A lost lease (a heartbeat or a write refused) makes this attempt a zombie: it writes nothing more,
 * the training thread is interrupted and {@code onLeaseLost} runs (a worker process halts there, since a
 * hung trainer may never look at the interrupt).
 */
final class Worker {

	private final WorkerBackend backend;

	private final Function<RunDetails, TrainingJob> jobs;

	private final Path artifactsDir;

	private final Duration heartbeat;

	private final FailureClassifier classifier;

	private final Runnable onLeaseLost;

	private final String workerId;

	/** Set once the worker is being stopped: the attempt checkpoints and hands its run back, nothing new is claimed. */
	private final AtomicBoolean stopping = new AtomicBoolean();

	private volatile @Nullable Attempt current;

	Worker(WorkerBackend backend, Function<RunDetails, TrainingJob> jobs, Path artifactsDir, Duration heartbeat,
			FailureClassifier classifier, Runnable onLeaseLost, String workerId) {
		this.backend = backend;
		this.jobs = jobs;
		this.artifactsDir = artifactsDir;
		this.heartbeat = heartbeat;
		this.classifier = classifier;
		this.onLeaseLost = onLeaseLost;
		this.workerId = workerId;
	}

	String workerId() {
		return workerId;
	}

	/** Claims one run and executes one attempt of it; empty when nothing is claimable or the worker is stopping. */
	Optional<AttemptResult> runOnce() {
		if (stopping.get()) {
			return Optional.empty();
		}
		return backend.claim(workerId).map(this::execute);
	}

	/**
	 * Stops the worker gracefully (SIGTERM): the running attempt finishes its step, commits a checkpoint of it and
	 * hands the run back to the queue as PREEMPTED; no further run is claimed.
	 * @return whether an attempt was running
	 */
	boolean preempt() {
		stopping.set(true);
		Attempt attempt = current;
		if (attempt == null) {
			return false;
		}
		attempt.log("stop requested (SIGTERM): checkpointing the current step and returning the run to the queue");
		attempt.preempt.set(true);
		return true;
	}

	boolean stopping() {
		return stopping.get();
	}

	/** Waits until no attempt runs, at most {@code timeout}; returns whether none does. */
	synchronized boolean awaitIdle(Duration timeout) throws InterruptedException {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (current != null) {
			long left = deadline - System.nanoTime();
			if (left <= 0) {
				return false;
			}
			TimeUnit.NANOSECONDS.timedWait(this, left);
		}
		return true;
	}

	private synchronized void setCurrent(@Nullable Attempt attempt) {
		current = attempt;
		notifyAll();
	}

	private AttemptResult execute(Assignment assignment) {
		LogTail tail = new LogTail(LogTail.DEFAULT_LINES);
		Attempt attempt = new Attempt(assignment, tail, Thread.currentThread());
		ScheduledExecutorService beats = Executors.newSingleThreadScheduledExecutor(r -> {
			Thread t = new Thread(r, "heartbeat-run-" + assignment.runId().value());
			t.setDaemon(true);
			return t;
		});
		setCurrent(attempt);
		try {
			if (stopping.get()) {
				attempt.preempt.set(true); // SIGTERM arrived during the claim
			}
			beats.scheduleAtFixedRate(attempt::beat, heartbeat.toMillis(), heartbeat.toMillis(), TimeUnit.MILLISECONDS);
			return attempt.train();
		}
		finally {
			setCurrent(null);
			beats.shutdownNow();
			Thread.interrupted(); // a late lease-loss interrupt must not leak into the next attempt
		}
	}

	/** One attempt's state, shared by the training thread and the heartbeat thread. */
	private final class Attempt implements TrainingSession {

		private final Assignment assignment;

		private final LogTail tail;

		private final Thread trainer;

		private final CheckpointStore checkpoints;

		private final AtomicBoolean stop = new AtomicBoolean();

		private final AtomicBoolean leaseLost = new AtomicBoolean();

		private final AtomicBoolean preempt = new AtomicBoolean();

		private volatile int lastStep = -1;

		private volatile int totalSteps = Integer.MAX_VALUE;

		/** Lines not yet in the run's event log; shipped with each heartbeat and at the end. */
		private final Queue<String> unsent = new ConcurrentLinkedQueue<>();

		private int startStep;

		private @Nullable Path resumeDir;

		Attempt(Assignment assignment, LogTail tail, Thread trainer) {
			this.assignment = assignment;
			this.tail = tail;
			this.trainer = trainer;
			this.checkpoints = new CheckpointStore(artifactsDir, assignment.runId().value());
		}

		AttemptResult train() {
			try {
				if (assignment.drift() != null) {
					throw new TrainingFailure(FailureKind.DRIFT, assignment.drift());
				}
				chooseResumePoint();
				backend.startAt(assignment, startStep);
				jobs.apply(assignment.run()).train(this);
				if (leaseLost.get()) {
					return AttemptResult.LEASE_LOST;
				}
				shipLog();
				if (preempt.get() && Math.max(startStep, lastStep) < totalSteps) {
					return backend.preempted(assignment, Math.max(startStep, lastStep), tail.text());
				}
				return backend.complete(assignment, tail.text());
			}
			catch (LeaseLostException ex) {
				return lost("write refused: " + ex.getMessage());
			}
			catch (Throwable failure) {
				if (leaseLost.get()) {
					return AttemptResult.LEASE_LOST;
				}
				FailureKind kind = classifier.classify(failure);
				log("attempt failed (" + kind + "): " + failure);
				try {
					shipLog();
					backend.fail(assignment, kind, String.valueOf(failure.getMessage()), tail.text());
					return AttemptResult.FAILED;
				}
				catch (LeaseLostException ex) {
					return lost("failure report refused: " + ex.getMessage());
				}
			}
		}

		private void chooseResumePoint() {
			var registered = assignment.checkpoints();
			var resume = checkpoints.newestUsable(registered);
			Set<Path> intact = registered.stream()
				.filter(p -> checkpoints.isCommitted(p.dir(), p.step()))
				.map(CheckpointStore.ResumePoint::dir)
				.collect(Collectors.toSet());
			for (Path moved : checkpoints.quarantineAllBut(intact)) {
				log("quarantined torn or unregistered checkpoint: " + moved);
			}
			startStep = resume.map(CheckpointStore.ResumePoint::step).orElse(0);
			resumeDir = resume.map(CheckpointStore.ResumePoint::dir).orElse(null);
			log("attempt " + assignment.attempt() + " of run " + runId() + " on " + workerId + " starts after step "
					+ startStep + (resumeDir == null ? "" : " from " + resumeDir));
		}

		void beat() {
			if (leaseLost.get()) {
				return;
			}
			try {
				if (backend.heartbeat(assignment) == RunState.CANCELLING && !stop.getAndSet(true)) {
					log("cancel requested: stopping after the current step");
				}
				shipLog();
			}
			catch (LeaseLostException ex) {
				lost("heartbeat refused: " + ex.getMessage());
			}
			catch (RuntimeException ex) {
				// the database may be away for a moment; the lease covers a few missed beats
				log("heartbeat failed: " + ex);
			}
		}

		/** Sends pending log lines (at most 200 per event); a refusal means the lease is lost. */
		private void shipLog() {
			List<String> lines = new ArrayList<>();
			for (String line; lines.size() < LogTail.DEFAULT_LINES && (line = unsent.poll()) != null;) {
				lines.add(line);
			}
			if (!lines.isEmpty()) {
				backend.log(assignment, lines);
			}
		}

		private AttemptResult lost(String why) {
			if (!leaseLost.getAndSet(true)) {
				log("lease lost, this attempt is a zombie and stops: " + why);
				trainer.interrupt();
				onLeaseLost.run();
			}
			return AttemptResult.LEASE_LOST;
		}

		@Override
		public long runId() {
			return assignment.runId().value();
		}

		@Override
		public int attempt() {
			return assignment.attempt();
		}

		@Override
		public Map<String, Object> hyperparameters() {
			return assignment.run().hyperparameters();
		}

		@Override
		public int startStep() {
			return startStep;
		}

		@Override
		public @Nullable Path resumeDir() {
			return resumeDir;
		}

		@Override
		public Path newCheckpointDir(int step) {
			return checkpoints.stagingDir(assignment.attempt(), step);
		}

		@Override
		public void declareTotalSteps(int totalSteps) {
			this.totalSteps = totalSteps;
			backend.declareTotalSteps(assignment, totalSteps);
		}

		@Override
		public void reportStep(int step, Map<String, Double> metrics) {
			backend.reportStep(assignment, step, metrics);
			lastStep = step;
		}

		@Override
		public void reportRollouts(int step, List<RolloutSampleRecord> samples) {
			backend.reportRollouts(assignment, step, samples);
		}

		@Override
		public void reportEvalResults(int step, List<EvalResultRecord> results) {
			backend.reportEvalResults(assignment, step, results);
		}

		@Override
		public void alarm(int step, RunAlarm alarm) {
			log("ALARM at step " + step + ": " + alarm.title() + ": " + alarm.message());
			backend.alarm(assignment, step, alarm);
		}

		@Override
		public void commitCheckpoint(int step, Path dir) {
			checkpoints.commit(dir, step);
			backend.commitCheckpoint(assignment, step, dir);
		}

		@Override
		public boolean stopRequested() {
			return stop.get() || leaseLost.get() || preempt.get();
		}

		@Override
		public boolean preemptRequested() {
			return preempt.get() && !stop.get();
		}

		@Override
		public void log(String raw) {
			String line = RolloutGallery.text(raw); // a NUL would be refused by the database's JSON
			tail.add(line);
			unsent.add(line);
			System.out.println("[worker " + workerId + "] " + line);
		}

	}

}

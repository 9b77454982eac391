package dev.vlmr1.studio.executor;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import dev.vlmr1.studio.run.RunAlarm;
import dev.vlmr1.studio.run.EvalResultRecord;
import dev.vlmr1.studio.run.RolloutSampleRecord;

/**
 * The worker's side of one attempt, as a {@link TrainingJob} sees it. Every reporting call is fenced by
 * the attempt's lease: once the lease is lost it throws {@link dev.vlmr1.studio.run.LeaseLostException}
 * and the job must stop (the worker process exits).
 */
public interface TrainingSession {

	long runId();

	/** The attempt number, 1 for the first claim. */
	int attempt();

	/** The run's hyperparameters (GRPO.md names), defaults filled in. */
	Map<String, Object> hyperparameters();

	/** The step of the checkpoint to resume from; 0 for a fresh start. */
	int startStep();

	/** The committed checkpoint to restore, or null for a fresh start. */
	@Nullable Path resumeDir();

	/** An empty directory, private to this attempt, for the checkpoint of {@code step}. */
	Path newCheckpointDir(int step);

	/** Declares the planned number of steps, for progress and ETA. */
	void declareTotalSteps(int totalSteps);

	/** Records the metrics of a finished step (one visible value per step and name). */
	void reportStep(int step, Map<String, Double> metrics);

	/** Stores a sample of the rollouts of {@code step} (GRPO) for the run page's gallery. */
	void reportRollouts(int step, List<RolloutSampleRecord> samples);

	/** Stores the per-sample results of an evaluation at {@code step} (eval runs, periodic evaluation). */
	void reportEvalResults(int step, List<EvalResultRecord> results);

	/** Records an alarm event at {@code step} (reward hacking, a run that cannot learn), also logged. */
	void alarm(int step, RunAlarm alarm);

	/** Marks the checkpoint in {@code dir} committed and registers it for resume. */
	void commitCheckpoint(int step, Path dir);

	/** True once the run was cancelled or the worker is being stopped: finish the current step and return. */
	boolean stopRequested();

	/**
	 * True once the worker is being stopped (SIGTERM: Slurm preemption or time limit, a shutdown): commit a checkpoint
	 * of the current step before returning, so the next attempt resumes exactly there.
	 */
	boolean preemptRequested();

	/** A line for the run's log tail. */
	void log(String line);

}

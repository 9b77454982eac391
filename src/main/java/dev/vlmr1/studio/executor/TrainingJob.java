package dev.vlmr1.studio.executor;

/**
 * What a worker executes for one attempt of a run: train from the session's start step to the end,
 * reporting every step and committing checkpoints, and return early when the session asks it to stop.
 *
 * <p>The contract a trainer adapter must keep (the worker relies on it for exactly-once effects):
 * <ul>
 * <li>start at {@link TrainingSession#startStep()} + 1, restoring all state from
 * {@link TrainingSession#resumeDir()} when it is not null (weights, optimizer, scheduler, RNG, data cursor);
 * <li>call {@link TrainingSession#reportStep} once per finished step, with strictly increasing steps;
 * <li>write checkpoints only into {@link TrainingSession#newCheckpointDir} and publish them with
 * {@link TrainingSession#commitCheckpoint} once every file is written;
 * <li>check {@link TrainingSession#stopRequested()} between steps and return when it is true;
 * <li>throw {@link TrainingFailure} for failures it can classify (data, setup, NaN loss).
 * </ul>
 */
@FunctionalInterface
public interface TrainingJob {

	void train(TrainingSession session) throws Exception;

}

/**
 * Executor: claims queued runs from the PostgreSQL queue and executes each in its own worker process.
 *
 * <p>The worker's inner loop ({@link dev.vlmr1.studio.executor.Worker}, {@code TrainingJob},
 * {@code CheckpointStore}) is plain Java; Spring glue around it records attempts
 * ({@code AttemptLedger}), starts local worker processes ({@code LocalProcessDispatcher}) and reaps lost
 * leases and stuck attempts ({@code LeaseSweeper}). {@code java -jar app.jar worker} runs
 * {@link dev.vlmr1.studio.executor.WorkerMain}.
 */
@org.springframework.modulith.ApplicationModule(allowedDependencies = {"catalog", "eval", "model", "plan", "reward", "run", "train", "web"})
@org.jspecify.annotations.NullMarked
package dev.vlmr1.studio.executor;

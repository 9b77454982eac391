/**
 * Runs: records, lifecycle (state machine with optimistic locking), the work queue workers claim from
 * (leases in database time), metrics, events (replayable SSE stream) and the checkpoint registry.
 *
 * <p>The public API is {@link dev.vlmr1.studio.run.RunManagement} plus its records; everything else is
 * internal.
 */
@org.springframework.modulith.ApplicationModule(allowedDependencies = {"catalog", "dataset", "model", "plan", "reward", "reward :: config", "train", "web"})
@org.jspecify.annotations.NullMarked
package dev.vlmr1.studio.run;

package dev.vlmr1.studio.run;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * One claim of a run by a worker.
 *
 * @param outcome null while it runs; then SUCCEEDED, FAILED, CANCELLED, REQUEUED (given back) or LOST
 * (its lease expired: the worker died or hung)
 */
public record RunAttempt(int attempt, String workerId, Instant startedAt, @Nullable Instant endedAt,
		@Nullable String outcome, @Nullable String reason) {

}

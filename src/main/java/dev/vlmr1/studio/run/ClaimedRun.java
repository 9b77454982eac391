package dev.vlmr1.studio.run;

import java.time.Instant;
import java.util.UUID;

/**
 * A run handed to one worker by {@link RunManagement#claimNext(String)}. Every later call of that worker
 * carries {@link #leaseToken()}; once the lease is lost (expired and re-claimed) those calls are refused.
 *
 * @param details the run's configuration
 * @param attempt the attempt number, 1 for the first claim
 * @param leaseToken fences this attempt's writes
 * @param leaseExpiresAt database time at which the lease lapses without a heartbeat
 * @param lastCheckpointStep step of the newest registered checkpoint, or -1 when training starts fresh
 */
public record ClaimedRun(RunDetails details, int attempt, UUID leaseToken, Instant leaseExpiresAt,
		int lastCheckpointStep) {

	public RunId id() {
		return details.id();
	}

}

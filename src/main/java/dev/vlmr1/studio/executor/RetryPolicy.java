package dev.vlmr1.studio.executor;

import java.time.Duration;

/**
 * Whether a failed attempt is retried, and after how long: {@code base · 2^(n−1)} after failed attempt n,
 * capped at {@code max}. Retries stop when the run's attempts are used up or the failure is not retryable.
 */
record RetryPolicy(Duration base, Duration max) {

	RetryPolicy {
		if (base.isNegative() || max.compareTo(base) < 0) {
			throw new IllegalArgumentException("need 0 <= base <= max, got base " + base + ", max " + max);
		}
	}

	/** The wait after failed attempt {@code attemptNo} (1-based) before the next may start. */
	Duration backoff(int attemptNo) {
		if (attemptNo < 1) {
			throw new IllegalArgumentException("attempt numbers start at 1, got " + attemptNo);
		}
		// 2^(n-1) overflows long millis after ~50 doublings; the cap applies long before that
		int doublings = Math.min(attemptNo - 1, 40);
		Duration wait = base.multipliedBy(1L << doublings);
		return wait.compareTo(max) > 0 ? max : wait;
	}

	boolean retries(FailureKind kind, int attemptNo, int maxAttempts) {
		return kind.retryable() && attemptNo < maxAttempts;
	}

}

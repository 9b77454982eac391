package dev.vlmr1.studio.demo;

/**
 * Too many requests are already in flight (429).
 *
 * @see DemoProperties#maxPendingRequests()
 */
class WorkerBusyException extends RuntimeException {

	private final long retryAfterSeconds;

	WorkerBusyException(int limit, long retryAfterSeconds) {
		super("The inference worker already has " + limit + " requests in flight (the limit); try again in "
				+ retryAfterSeconds + " s");
		this.retryAfterSeconds = retryAfterSeconds;
	}

	long retryAfterSeconds() {
		return retryAfterSeconds;
	}

}

package dev.vlmr1.studio.executor;

/** How one attempt ended, as the worker saw it. */
enum AttemptResult {

	SUCCEEDED, CANCELLED, FAILED,
	/** The worker was stopped (SIGTERM) and handed the run back to the queue at a committed checkpoint. */
	PREEMPTED,
	/** The lease was lost (the attempt became a zombie): nothing more was written. */
	LEASE_LOST

}

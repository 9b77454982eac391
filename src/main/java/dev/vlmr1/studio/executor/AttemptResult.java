package dev.vlmr1.studio.executor;

/** How one attempt ended, as the worker saw it. */
enum AttemptResult {

	SUCCEEDED, CANCELLED, FAILED,
	/** The lease was lost (the attempt became a zombie): nothing more was written. */
	LEASE_LOST

}

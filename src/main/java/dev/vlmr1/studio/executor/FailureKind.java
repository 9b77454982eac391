package dev.vlmr1.studio.executor;

/**
 * Why an attempt failed, and whether trying again can help. The name is stored with the attempt and
 * prefixes the run's state reason ({@code "OOM: …"}).
 */
public enum FailureKind {

	/** The job could not start: bad configuration, missing model files, invalid reward config. */
	SETUP(false),
	/** The data is wrong (corrupt image, checksum mismatch): the same data fails again. */
	DATA(false),
	/** Out of memory (Java heap, native or CUDA): by policy not retried with the same settings. */
	OOM(false),
	/** The loss became NaN or infinite: training diverged, a retry from the checkpoint diverges again. */
	NAN_LOSS(false),
	/** The worker vanished (killed, machine lost): its lease expired. */
	WORKER_LOST(true),
	/** The worker heart-beat but its step stopped advancing for longer than the progress timeout. */
	NO_PROGRESS(true),
	/**
	 * What the run trains on changed between attempts (dataset content, model, configuration): resuming
	 * would mix two experiments, so the run must be forked instead.
	 */
	DRIFT(false),
	/** The worker exited with a code configured as fatal. */
	FATAL_EXIT(false),
	/** Anything else (an exception, a non-zero exit): retried within the run's attempt budget. */
	ERROR(true);

	private final boolean retryable;

	FailureKind(boolean retryable) {
		this.retryable = retryable;
	}

	public boolean retryable() {
		return retryable;
	}

}

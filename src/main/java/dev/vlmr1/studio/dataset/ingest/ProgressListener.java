package dev.vlmr1.studio.dataset.ingest;

/** Hears how far validation got; called from the validating thread, often, so keep it cheap. */
@FunctionalInterface
public interface ProgressListener {

	ProgressListener NONE = (phase, done, total) -> {
	};

	/**
	 * @param phase {@code rows} (lines parsed) or {@code images} (distinct images probed)
	 * @param done units done so far
	 * @param total units in the phase
	 */
	void progress(String phase, long done, long total);

}

package dev.vlmr1.studio.dataset;

/** Identifies a dataset (one immutable version of uploaded content) across module boundaries. */
public record DatasetId(long value) {

	@Override
	public String toString() {
		return Long.toString(value);
	}

}

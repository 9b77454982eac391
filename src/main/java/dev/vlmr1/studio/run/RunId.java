package dev.vlmr1.studio.run;

/** Identifies a run across module boundaries. */
public record RunId(long value) {

	@Override
	public String toString() {
		return Long.toString(value);
	}

}

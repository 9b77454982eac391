package dev.vlmr1.studio.synth;

/** The three kinds of synthetic samples. */
public enum SynthTask {

	/** Referring expression → one box. */
	REC,

	/** A list of labels (some absent: hard negatives) → labelled boxes, or {@code None}. */
	OVD,

	/** "How many … are there?" → a number. */
	COUNTING

}

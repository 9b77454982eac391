package dev.vlmr1.studio.dataset.ingest;

import java.util.Locale;

/**
 * A liberty VLM-R1's loader takes with a line that the upload takes the same way, instead of refusing the line; the
 * upload report counts each kind. Clients may rely on the slugs.
 */
public enum Normalisation {

	/** No {@code id}: VLM-R1 needs none; the sample is known by its file and line. */
	ID_ABSENT("no id: the sample is known by its file and line, as VLM-R1 needs no id"),

	/** More than one human/gpt exchange (InternVL-style files): VLM-R1 reads the first one only. */
	FIRST_EXCHANGE_ONLY("more than two conversation turns: the first human/gpt exchange is used, as VLM-R1 does"),

	/** A solution given as a JSON value rather than a string: VLM-R1 applies Python's {@code str()} to it. */
	SOLUTION_STRINGIFIED("the solution is a JSON value, not a string: it is used as Python's str() of it, as VLM-R1 "
			+ "does (lists and dicts with single quotes, True/False/None)");

	private final String description;

	Normalisation(String description) {
		this.description = description;
	}

	public String slug() {
		return name().toLowerCase(Locale.ROOT);
	}

	public String description() {
		return description;
	}

}

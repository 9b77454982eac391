package dev.vlmr1.studio.dataset.ingest;

import java.util.Locale;

/** What a sample asks for, inferred from the shape of its solution (see {@link SolutionShape}). */
public enum TaskType {

	/** Referring-expression comprehension: the solution is one box {@code [x1, y1, x2, y2]}. */
	REC,
	/** Open-vocabulary detection: a list of {@code {"bbox_2d": […], "label": …}} or {@code None}. */
	OVD,
	/** The solution is a whole number. */
	COUNTING,
	/** Anything else (free text, multiple choice, yes/no, …). */
	OTHER;

	public String slug() {
		return name().toLowerCase(Locale.ROOT);
	}

	public static TaskType fromSlug(String slug) {
		return valueOf(slug.toUpperCase(Locale.ROOT));
	}

}

package dev.vlmr1.studio.train;

import java.util.Locale;

/** What a run does, as far as its settings go: GRPO, supervised fine-tuning, or evaluation only. */
public enum RunKind {

	GRPO, SFT, EVAL;

	/** The lower-case name the API and the CLI use ({@code grpo}). */
	public String id() {
		return name().toLowerCase(Locale.ROOT);
	}

}

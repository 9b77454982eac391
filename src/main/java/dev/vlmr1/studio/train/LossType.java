package dev.vlmr1.studio.train;

import java.util.Locale;

/** How per-token losses are aggregated into one scalar (GRPO.md step 8, TRL's {@code loss_type}). */
public enum LossType {

	/** Mean over sequences of each sequence's token mean: VLM-R1's behaviour, biased toward short answers. */
	GRPO,
	/** Token sum over the micro-batch's unmasked token count. */
	BNPO,
	/** Token sum over (batch · max_completion_length): Dr. GRPO, no length bias. */
	DR_GRPO,
	/** Token sum over the unmasked token count of the whole accumulated batch: TRL's current default. */
	DAPO;

	/** Parses TRL's spelling ({@code grpo}, {@code bnpo}, {@code dr_grpo}, {@code dapo}). */
	public static LossType parse(String value) {
		try {
			return valueOf(value.toUpperCase(Locale.ROOT).replace('-', '_'));
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException("loss_type must be grpo, bnpo, dr_grpo or dapo, not " + value);
		}
	}

	/** TRL's spelling. */
	public String id() {
		return name().toLowerCase(Locale.ROOT);
	}

}

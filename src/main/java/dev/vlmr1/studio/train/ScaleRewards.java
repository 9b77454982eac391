package dev.vlmr1.studio.train;

import java.util.Locale;

/** How advantages are scaled ({@code scale_rewards} in TRL): by the group's std, the batch's std, or not at all. */
public enum ScaleRewards {

	/** (r − group mean) / (group std + 1e-4): VLM-R1 and TRL's default. */
	GROUP,
	/** (r − group mean) / (std over the whole batch + 1e-4). */
	BATCH,
	/** r − group mean, no division (Dr. GRPO). */
	NONE;

	/** Parses TRL's spelling ({@code group}, {@code batch}, {@code none}; {@code true}/{@code false} as TRL's old boolean). */
	public static ScaleRewards parse(String value) {
		return switch (value.toLowerCase(Locale.ROOT)) {
			case "group", "true" -> GROUP;
			case "batch" -> BATCH;
			case "none", "false" -> NONE;
			default -> throw new IllegalArgumentException("scale_rewards must be group, batch or none, not " + value);
		};
	}

}

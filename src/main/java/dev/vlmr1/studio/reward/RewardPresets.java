package dev.vlmr1.studio.reward;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The ready-made configurations of REWARDS.md, by name: {@code rec} (iou + format_rec, total in [0, 2]),
 * {@code ovd} (od_length + format_ovd, VLM-R1's best, to be used with β = 0) and {@code counting} (numeric +
 * format).
 */
public final class RewardPresets {

	public static final String REC = "rec";

	public static final String OVD = "ovd";

	public static final String COUNTING = "counting";

	private static final Map<String, List<RewardTerm>> PRESETS = new LinkedHashMap<>();

	static {
		PRESETS.put(REC, List.of(RewardTerm.of("iou"), RewardTerm.of("format_rec")));
		PRESETS.put(OVD, List.of(RewardTerm.of("od_length"), RewardTerm.of("format_ovd")));
		PRESETS.put(COUNTING, List.of(RewardTerm.of("numeric"), RewardTerm.of("format")));
	}

	private RewardPresets() {
	}

	/** All presets in display order. */
	public static Map<String, List<RewardTerm>> all() {
		return Collections.unmodifiableMap(PRESETS);
	}

	public static Optional<List<RewardTerm>> get(String name) {
		return Optional.ofNullable(PRESETS.get(name));
	}

}

package dev.vlmr1.studio.reward;

import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * What a reward function measures. Accuracy functions are the ones a sample's {@code accu_reward_method} can
 * swap in for each other.
 */
public enum RewardKind {

	FORMAT, ACCURACY, SHAPING;

	/** Lower-case, as in JSON and the UI. */
	@JsonValue
	public String jsonName() {
		return name().toLowerCase(Locale.ROOT);
	}

}

package dev.vlmr1.studio.reward;

import java.util.Map;

/**
 * One entry of a reward configuration: {@code {"function": "iou", "weight": 1.0, "params": {...}}}. Parameters not
 * given take their defaults from the function's {@link RewardFunctionSpec}.
 *
 * @param function registered function name
 * @param weight multiplier of the function's score in the total (GRPO.md: VLM-R1 ignored weights, we apply them)
 * @param params parameter values as JSON scalars (Integer/Long/Double, Boolean, String)
 */
public record RewardTerm(String function, double weight, Map<String, Object> params) {

	public RewardTerm {
		params = Map.copyOf(params);
	}

	/** A term with weight 1 and default parameters. */
	public static RewardTerm of(String function) {
		return new RewardTerm(function, 1.0, Map.of());
	}

}

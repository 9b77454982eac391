package dev.vlmr1.studio.reward;

import org.jspecify.annotations.Nullable;

/**
 * One configured function's outcome on one completion.
 *
 * @param function the configured function name (metrics are keyed by it)
 * @param weight its weight in the total
 * @param score its score (0 when it threw)
 * @param routedTo the accuracy function actually run when the sample's accu_reward_method replaced it, else null
 * @param parse what it read, or null when it threw
 * @param error the exception's message when it threw, else null
 */
public record FunctionScore(String function, double weight, double score, @Nullable String routedTo,
		@Nullable RewardParse parse, @Nullable String error) {

	public boolean failed() {
		return error != null;
	}

	/**
	 * Whether the function could read what it scores from the completion: a box or detections for the grounding
	 * functions, an answer for the others. A function that cannot parse the model's answers scores them all alike,
	 * which is why the trainer reports the share as {@code rewards/<fn>/parsed}.
	 */
	public boolean parsed() {
		if (failed() || parse == null) {
			return false;
		}
		if (parse.box() != null || parse.detections() != null) {
			return true;
		}
		boolean groundingTask = parse.groundTruthBox() != null || parse.groundTruthDetections() != null;
		return !groundingTask && parse.answer() != null;
	}

}

package dev.vlmr1.studio.reward;

/**
 * A function's score for one completion and what it read to get there.
 *
 * @param score the reward
 * @param parse the extracted answer, boxes and detections (fields not relevant to the function are null)
 */
public record RewardResult(double score, RewardParse parse) {

	public static RewardResult of(double score, RewardParse parse) {
		return new RewardResult(score, parse);
	}

}

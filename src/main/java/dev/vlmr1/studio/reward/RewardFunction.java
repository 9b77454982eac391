package dev.vlmr1.studio.reward;

/**
 * One named reward function with its parameters bound. Implementations are stateless and thread-safe; they may
 * throw on bad data (e.g. an unreadable ground truth), which the configuration turns into a score of 0 and a
 * counted error.
 */
public interface RewardFunction {

	/** The registry name ({@code iou}, {@code format}, …). */
	String name();

	/** Scores one completion against its sample, with the parse that explains the score. */
	RewardResult evaluate(Completion completion, RewardSample sample);

	/** Just the score. */
	default double score(Completion completion, RewardSample sample) {
		return evaluate(completion, sample).score();
	}

}

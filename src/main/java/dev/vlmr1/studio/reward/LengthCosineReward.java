package dev.vlmr1.studio.reward;

/**
 * {@code length_cosine}: r = max − (max − min)·(1 − cos(π·L/Lmax))/2 with L the completion's token count
 * (past Lmax the cosine wraps around as VLM-R1's does, unless {@code past_max_length} is {@code clip}), and (min, max) = (correct_min, correct_max) when the accuracy function scores at least the threshold,
 * else (wrong_min, wrong_max). VLM-R1's version compared the accuracy reward against an unset value and so
 * treated every answer as correct; here correctness really is computed.
 */
public final class LengthCosineReward implements RewardFunction {

	private final String accuracy;

	private final double threshold;

	private final int maxLength;

	/** Whether L is clipped at Lmax; VLM-R1's cosine wraps around past it. */
	private final boolean clip;

	private final double correctMin;

	private final double correctMax;

	private final double wrongMin;

	private final double wrongMax;

	private final AccuracyLookup lookup;

	LengthCosineReward(RewardParams params, AccuracyLookup lookup) {
		this.accuracy = params.string("accuracy");
		this.threshold = params.number("threshold");
		this.maxLength = params.integer("max_length");
		this.clip = params.string("past_max_length").equals("clip");
		this.correctMin = params.number("correct_min");
		this.correctMax = params.number("correct_max");
		this.wrongMin = params.number("wrong_min");
		this.wrongMax = params.number("wrong_max");
		this.lookup = lookup;
	}

	@Override
	public String name() {
		return "length_cosine";
	}

	@Override
	public RewardResult evaluate(Completion completion, RewardSample sample) {
		if (completion.tokens() < 0) {
			throw new IllegalArgumentException("length_cosine needs the completion's token count");
		}
		RewardFunction judge = lookup.accuracyFor(accuracy, sample);
		double accuracyScore = judge.score(completion, sample);
		boolean correct = accuracyScore >= threshold;
		double min = correct ? correctMin : wrongMin;
		double max = correct ? correctMax : wrongMax;
		double progress = (clip ? Math.min(completion.tokens(), maxLength) : completion.tokens()) / (double) maxLength;
		double reward = max - (max - min) * (1 - Math.cos(Math.PI * progress)) / 2;
		String note = judge.name() + "=" + accuracyScore + (correct ? " (correct)" : " (wrong)") + ", L="
				+ completion.tokens() + "/" + maxLength;
		return RewardResult.of(reward, RewardParse.EMPTY.withNote(note));
	}

}

package dev.vlmr1.studio.reward;

/** {@code exact}: clean(answer) == clean(solution), VLM-R1's {@code all_match}. */
public final class ExactReward implements RewardFunction {

	@Override
	public String name() {
		return "exact";
	}

	@Override
	public RewardResult evaluate(Completion completion, RewardSample sample) {
		String answer = Vlmr1Text.clean(completion.text());
		String truth = Vlmr1Text.clean(Vlmr1Text.wrappedSolution(sample.solution()));
		boolean same = answer.equals(truth);
		return RewardResult.of(same ? 1 : 0, RewardParse.answer(answer).withNote("\"" + answer + "\" vs \"" + truth
				+ "\""));
	}

}

package dev.vlmr1.studio.reward;

/**
 * {@code yes_no}, VLM-R1's {@code yes_no_reward}: lower-cased, the first "yes" or "no" anywhere in the first answer
 * block (a substring: "know" holds "no") against the first in the solution; neither side having one counts as equal.
 */
public final class YesNoReward implements RewardFunction {

	@Override
	public String name() {
		return "yes_no";
	}

	@Override
	public RewardResult evaluate(Completion completion, RewardSample sample) {
		String content = PyText.lower(completion.text());
		String solution = PyText.lower(Vlmr1Text.wrappedSolution(sample.solution()));
		String truth = first(Vlmr1Text.groundTruth(solution));
		String answer = PyText.strip(Vlmr1Text.firstAnswer(content).orElse(content));
		String said = first(answer);
		return RewardResult.of(truth.equals(said) ? 1 : 0, RewardParse.answer(answer).withNote("said \"" + said
				+ "\", solution \"" + truth + "\""));
	}

	/** {@code re.search(r'(yes|no)', text)}: the earliest of "yes" and "no", or "". */
	static String first(String text) {
		int yes = text.indexOf("yes");
		int no = text.indexOf("no");
		if (yes < 0 && no < 0) {
			return "";
		}
		return (no < 0 || (yes >= 0 && yes < no)) ? "yes" : "no";
	}

}

package dev.vlmr1.studio.reward;

/**
 * {@code fuzzy}: normalised Levenshtein similarity of clean(answer) and clean(solution), in [0, 1]. Computed as
 * python-Levenshtein's {@code ratio} (VLM-R1's fallback): 1 − indel distance / (|a| + |b|), where a substitution
 * costs 2; two empty strings score 1.
 */
public final class FuzzyReward implements RewardFunction {

	@Override
	public String name() {
		return "fuzzy";
	}

	@Override
	public RewardResult evaluate(Completion completion, RewardSample sample) {
		String answer = Answers.clean(Answers.lastOrWhole(completion.text()));
		String truth = Answers.clean(Answers.solution(sample.solution()));
		return RewardResult.of(ratio(answer, truth), RewardParse.answer(answer).withNote("vs \"" + truth + "\""));
	}

	/** 2·LCS(a, b) / (|a| + |b|), which equals 1 − indel(a, b) / (|a| + |b|). */
	static double ratio(String a, String b) {
		int total = a.length() + b.length();
		if (total == 0) {
			return 1.0;
		}
		// one row of the LCS table at a time: O(|b|) memory
		int[] prev = new int[b.length() + 1];
		int[] cur = new int[b.length() + 1];
		for (int i = 1; i <= a.length(); i++) {
			for (int j = 1; j <= b.length(); j++) {
				cur[j] = (a.charAt(i - 1) == b.charAt(j - 1)) ? prev[j - 1] + 1 : Math.max(prev[j], cur[j - 1]);
			}
			int[] t = prev;
			prev = cur;
			cur = t;
		}
		return 2.0 * prev[b.length()] / total;
	}

}

package dev.vlmr1.studio.reward;

/**
 * {@code fuzzy}: VLM-R1's text fallback (the last branch of its {@code default} method): python-Levenshtein's
 * {@code ratio} of clean(last answer) and clean(solution), 1 − indel distance / (|a| + |b|) over code points (an
 * emoji is one character, as in Python); two empty strings score 1.
 */
public final class FuzzyReward implements RewardFunction {

	@Override
	public String name() {
		return "fuzzy";
	}

	@Override
	public RewardResult evaluate(Completion completion, RewardSample sample) {
		String text = completion.text();
		String student = PyText.strip(Vlmr1Text.lastAnswer(text).orElse(text));
		String answer = Vlmr1Text.clean(student);
		String truth = Vlmr1Text.clean(Vlmr1Text.groundTruth(Vlmr1Text.wrappedSolution(sample.solution())));
		return RewardResult.of(ratio(answer, truth), RewardParse.answer(answer).withNote("vs \"" + truth + "\""));
	}

	/** 2·LCS(a, b) / (|a| + |b|) over code points, which equals 1 − indel(a, b) / (|a| + |b|). */
	static double ratio(String x, String y) {
		int[] a = PyText.codePoints(x);
		int[] b = PyText.codePoints(y);
		int total = a.length + b.length;
		if (total == 0) {
			return 1.0;
		}
		// one row of the LCS table at a time: O(|b|) memory
		int[] prev = new int[b.length + 1];
		int[] cur = new int[b.length + 1];
		for (int i = 1; i <= a.length; i++) {
			for (int j = 1; j <= b.length; j++) {
				cur[j] = (a[i - 1] == b[j - 1]) ? prev[j - 1] + 1 : Math.max(prev[j], cur[j - 1]);
			}
			int[] t = prev;
			prev = cur;
			cur = t;
		}
		return 2.0 * prev[b.length] / total;
	}

}

package dev.vlmr1.studio.train;

import java.util.LinkedHashMap;
import java.util.Map;

/** The reward and completion metrics of a step's rollouts, under TRL's names. */
final class RolloutMetrics {

	private RolloutMetrics() {
	}

	/**
	 * @param totals [N] total reward per completion
	 * @param zeroStd [N/G] groups whose rewards are all equal
	 * @param lengths [N] completion lengths in tokens
	 * @param truncated completions that never emitted EOS
	 */
	static Map<String, Double> of(RewardScorer.Scores scores, float[] totals, boolean[] zeroStd, int[] lengths,
			int truncated) {
		Map<String, Double> m = new LinkedHashMap<>();
		m.put("reward", Advantages.mean(totals, 0, totals.length));
		m.put("reward_std", Advantages.std(totals, 0, totals.length));
		scores.perFunction().forEach((fn, values) -> {
			float[] v = new float[values.length];
			for (int i = 0; i < v.length; i++) {
				v[i] = (float) values[i];
			}
			m.put("rewards/" + fn + "/mean", Advantages.mean(v, 0, v.length));
			m.put("rewards/" + fn + "/std", Advantages.std(v, 0, v.length));
			Double parsed = scores.parsedShare().get(fn);
			if (parsed != null) {
				m.put("rewards/" + fn + "/parsed", parsed);
			}
		});
		int zero = 0;
		for (boolean z : zeroStd) {
			zero += z ? 1 : 0;
		}
		m.put("frac_reward_zero_std", (double) zero / zeroStd.length);
		int min = Integer.MAX_VALUE;
		int max = 0;
		long sum = 0;
		for (int l : lengths) {
			min = Math.min(min, l);
			max = Math.max(max, l);
			sum += l;
		}
		m.put("completions/mean_length", (double) sum / lengths.length);
		m.put("completions/min_length", (double) min);
		m.put("completions/max_length", (double) max);
		m.put("completions/clipped_ratio", (double) truncated / lengths.length);
		return m;
	}

}

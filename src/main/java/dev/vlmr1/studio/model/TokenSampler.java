package dev.vlmr1.studio.model;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Picks the next token of one sequence from its logits, in Java: argmax for greedy, else temperature, top-k, top-p
 * and inverse-CDF sampling with a seeded generator (DJL's multinomial is not available on this engine).
 */
final class TokenSampler {

	private final SamplingParams params;

	private final SplittableRandom random;

	TokenSampler(SamplingParams params) {
		this.params = params;
		this.random = new SplittableRandom(params.seed());
	}

	/** A chosen token and its log-probability. */
	record Choice(long token, float logProb) {
	}

	/** Chooses from {@code logits[offset .. offset + vocab)}. */
	Choice choose(float[] logits, int offset, int vocab) {
		double scale = params.isGreedy() ? 1 : 1 / params.temperature();
		double max = Double.NEGATIVE_INFINITY;
		int argmax = 0;
		for (int i = 0; i < vocab; i++) {
			if (logits[offset + i] > max) { // first maximum wins, as torch.argmax
				max = logits[offset + i];
				argmax = i;
			}
		}
		double sum = 0;
		for (int i = 0; i < vocab; i++) {
			sum += Math.exp((logits[offset + i] - max) * scale);
		}
		double logNormaliser = Math.log(sum);
		int token = params.isGreedy() ? argmax : sample(logits, offset, vocab, max, scale);
		return new Choice(token, (float) ((logits[offset + token] - max) * scale - logNormaliser));
	}

	private int sample(float[] logits, int offset, int vocab, double max, double scale) {
		// most likely first, ties by index: sort (descending logit, index) packed into longs, no boxing
		long[] keys = new long[vocab];
		for (int i = 0; i < vocab; i++) {
			int bits = Float.floatToIntBits(logits[offset + i]);
			int ascending = bits ^ ((bits >> 31) & 0x7FFFFFFF);
			keys[i] = ((long) ~ascending << 32) | i;
		}
		Arrays.sort(keys);
		int[] order = new int[vocab];
		for (int r = 0; r < vocab; r++) {
			order[r] = (int) keys[r];
		}
		int keep = params.topK() > 0 ? Math.min(params.topK(), vocab) : vocab;
		double[] weights = new double[keep];
		double total = 0;
		for (int r = 0; r < keep; r++) {
			weights[r] = Math.exp((logits[offset + order[r]] - max) * scale);
			total += weights[r];
		}
		if (params.topP() < 1) {
			double cumulative = 0;
			int nucleus = 0;
			while (nucleus < keep && cumulative < params.topP() * total) {
				cumulative += weights[nucleus++];
			}
			keep = Math.max(nucleus, 1);
			total = cumulative == 0 ? weights[0] : cumulative;
		}
		double u = random.nextDouble() * total;
		double cumulative = 0;
		for (int r = 0; r < keep; r++) {
			cumulative += weights[r];
			if (u < cumulative) {
				return order[r];
			}
		}
		return order[keep - 1];
	}

}

package dev.vlmr1.studio.model;

import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;

/** Log-probabilities from one row of logits (temperature 1), for reporting: a token's, and the k most likely. */
public final class LogSoftmax {

	/** A token and its log-probability. */
	public record Entry(long token, float logProb) {
	}

	private final float[] logits;

	private final int offset;

	private final int vocab;

	private final double logNormaliser;

	public LogSoftmax(float[] logits, int offset, int vocab) {
		this.logits = logits;
		this.offset = offset;
		this.vocab = vocab;
		double max = Double.NEGATIVE_INFINITY;
		for (int i = 0; i < vocab; i++) {
			max = Math.max(max, logits[offset + i]);
		}
		double sum = 0;
		for (int i = 0; i < vocab; i++) {
			sum += Math.exp(logits[offset + i] - max);
		}
		this.logNormaliser = max + Math.log(sum);
	}

	public float of(long token) {
		return (float) (logits[offset + (int) token] - logNormaliser);
	}

	/** The {@code k} most likely tokens, most likely first (ties: lower id first). */
	public List<Entry> top(int k) {
		PriorityQueue<Integer> best = new PriorityQueue<>(Math.max(1, k), (a, b) -> {
			int byLogit = Float.compare(logits[offset + a], logits[offset + b]);
			return byLogit != 0 ? byLogit : Integer.compare(b, a);
		});
		for (int i = 0; i < vocab && k > 0; i++) {
			best.add(i);
			if (best.size() > k) {
				best.poll();
			}
		}
		List<Entry> out = new ArrayList<>();
		while (!best.isEmpty()) {
			int token = best.poll();
			out.add(0, new Entry(token, of(token)));
		}
		return out;
	}

}

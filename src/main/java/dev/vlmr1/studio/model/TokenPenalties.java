package dev.vlmr1.studio.model;

import java.util.HashMap;
import java.util.Map;

/**
 * OpenAI's frequency and presence penalties over the tokens one sequence has generated so far (the prompt does not
 * count): {@code logit[j] -= c[j] · frequency + (c[j] > 0 ? 1 : 0) · presence}, applied before temperature and
 * sampling. Counts are sparse: a sequence touches a few hundred of the vocabulary's entries.
 */
final class TokenPenalties {

	private final double frequency;

	private final double presence;

	private final Map<Long, Integer> counts = new HashMap<>();

	TokenPenalties(double frequency, double presence) {
		this.frequency = frequency;
		this.presence = presence;
	}

	void count(long token) {
		counts.merge(token, 1, Integer::sum);
	}

	/** Lowers (or, with negative penalties, raises) the logits of the tokens generated so far, in place. */
	void apply(float[] logits, int offset, int vocab) {
		counts.forEach((token, count) -> {
			if (token >= 0 && token < vocab) {
				logits[offset + token.intValue()] -= (float) (count * frequency + presence);
			}
		});
	}

}

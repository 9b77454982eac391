package dev.vlmr1.studio.model;

import java.util.List;

/**
 * How {@link Generator} picks tokens and when it stops.
 *
 * @param maxNewTokens upper bound of generated tokens per sequence
 * @param temperature 0 for greedy decoding; otherwise logits are divided by it before sampling
 * @param topK keep only the k most likely tokens (0 = all)
 * @param topP keep the smallest set of most likely tokens whose probability reaches p (1 = all)
 * @param seed seeds the sampler, so the same call gives the same tokens
 * @param eosTokenIds a sequence stops after emitting any of these (empty = never, as the fixtures' "EOS ignored")
 * @param padTokenId fills the left padding and the slots of sequences that already stopped
 * @param frequencyPenalty OpenAI's: subtracted from a token's logit once per time the sequence generated it (-2…2)
 * @param presencePenalty OpenAI's: subtracted once from the logit of every token the sequence generated (-2…2)
 */
public record SamplingParams(int maxNewTokens, double temperature, int topK, double topP, long seed,
		List<Long> eosTokenIds, long padTokenId, double frequencyPenalty, double presencePenalty) {

	public SamplingParams {
		if (maxNewTokens < 0 || temperature < 0 || topK < 0 || !(topP > 0 && topP <= 1)
				|| !(Math.abs(frequencyPenalty) <= 2) || !(Math.abs(presencePenalty) <= 2)) {
			throw new IllegalArgumentException("invalid sampling params: maxNewTokens " + maxNewTokens
					+ ", temperature " + temperature + ", topK " + topK + ", topP " + topP + ", frequencyPenalty "
					+ frequencyPenalty + ", presencePenalty " + presencePenalty);
		}
		eosTokenIds = List.copyOf(eosTokenIds);
	}

	/** Without penalties. */
	public SamplingParams(int maxNewTokens, double temperature, int topK, double topP, long seed,
			List<Long> eosTokenIds, long padTokenId) {
		this(maxNewTokens, temperature, topK, topP, seed, eosTokenIds, padTokenId, 0, 0);
	}

	/** Greedy decoding that stops at the config's EOS ids. */
	public static SamplingParams greedy(int maxNewTokens, QwenVlConfig config) {
		return new SamplingParams(maxNewTokens, 0, 0, 1, 0, config.eosTokenIds(), config.padTokenId());
	}

	public SamplingParams withSampling(double temperature, int topK, double topP, long seed) {
		return new SamplingParams(maxNewTokens, temperature, topK, topP, seed, eosTokenIds, padTokenId,
				frequencyPenalty, presencePenalty);
	}

	public SamplingParams withEos(List<Long> eos) {
		return new SamplingParams(maxNewTokens, temperature, topK, topP, seed, eos, padTokenId, frequencyPenalty,
				presencePenalty);
	}

	public SamplingParams withPenalties(double frequency, double presence) {
		return new SamplingParams(maxNewTokens, temperature, topK, topP, seed, eosTokenIds, padTokenId, frequency,
				presence);
	}

	public boolean isGreedy() {
		return temperature == 0;
	}

	public boolean hasPenalties() {
		return frequencyPenalty != 0 || presencePenalty != 0;
	}

}

package dev.vlmr1.studio.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;

import dev.vlmr1.studio.model.ModelInputs;

/**
 * Per-token log-probabilities of the completion tokens under a model (GRPO.md step 6; TRL's
 * {@code _get_per_token_logps} and {@code selective_log_softmax}).
 *
 * <p>The logit at position t predicts token t + 1, so the T completion tokens at positions [S − T, S) are scored
 * by the logits at [S − T − 1, S − 1). Logits are divided by the sampling temperature first, so the log-probs are
 * those of the distribution the completions were sampled from. Differentiable: built from NDArray ops only.
 */
public final class TokenLogProbs {

	private TokenLogProbs() {
	}

	/**
	 * @param logits [B, S, V] the model's logits over the whole prompt + completion sequence
	 * @param inputIds [B, S] int64, prompt (left-padded) followed by completion (right-padded)
	 * @param completionLength T, the number of completion positions at the end of each row
	 * @param temperature the sampling temperature (> 0)
	 * @return [B, T] log p(token_t | tokens before t)
	 */
	public static NDArray compute(NDArray logits, NDArray inputIds, int completionLength, double temperature) {
		long seq = inputIds.getShape().get(1);
		if (logits.getShape().dimension() != 3 || logits.getShape().get(1) != seq
				|| logits.getShape().get(0) != inputIds.getShape().get(0)) {
			throw new IllegalArgumentException(
					"logits " + logits.getShape() + " do not match input ids " + inputIds.getShape());
		}
		if (completionLength <= 0 || completionLength >= seq) {
			throw new IllegalArgumentException("completion length " + completionLength + " must be in [1, " + seq + ")");
		}
		// [B, T, V]: the positions that predict the completion tokens
		NDArray predicting = logits.get(new NDIndex(":, {}:{}, :", seq - completionLength - 1, seq - 1));
		// [B, T]
		NDArray targets = inputIds.get(new NDIndex(":, {}:", seq - completionLength));
		return ofCompletion(predicting, targets, temperature);
	}

	/**
	 * Runs {@code policy} on prompt + completion and scores the last {@code completionLength} tokens, keeping only
	 * the logits it needs ({@code logits_to_keep} = T + 1, as TRL does). Differentiable when grad mode is on.
	 *
	 * @param inputs the full sequences [B, S] with their attention mask and images
	 * @return [B, T] log-probs
	 */
	public static NDArray of(Policy policy, ModelInputs inputs, int completionLength, double temperature) {
		long seq = inputs.inputIds().getShape().get(1);
		if (completionLength <= 0 || completionLength >= seq) {
			throw new IllegalArgumentException("completion length " + completionLength + " must be in [1, " + seq + ")");
		}
		NDArray logits = policy.forward(inputs.withLogitsToKeep(completionLength + 1)).logits(); // [B, T+1, V]
		NDArray predicting = logits.get(new NDIndex(":, :{}, :", completionLength)); // [B, T, V]
		NDArray targets = inputs.inputIds().get(new NDIndex(":, {}:", seq - completionLength)); // [B, T]
		return ofCompletion(predicting, targets, temperature);
	}

	/**
	 * @param predictingLogits [B, T, V] logits already restricted to the positions that predict the targets
	 * @param targets [B, T] int64 completion token ids
	 * @return [B, T] log-probs
	 */
	public static NDArray ofCompletion(NDArray predictingLogits, NDArray targets, double temperature) {
		if (!(temperature > 0)) {
			throw new IllegalArgumentException("temperature must be > 0, was " + temperature);
		}
		NDArray scaled = temperature == 1.0 ? predictingLogits : predictingLogits.div(Scalars.of(predictingLogits, temperature));
		// [B, T, V] → gather the target's column → [B, T]
		NDArray logSoftmax = scaled.logSoftmax(-1);
		NDArray index = targets.toType(DataType.INT64, false).expandDims(-1);
		return logSoftmax.gather(index, 2).squeeze(-1);
	}

}

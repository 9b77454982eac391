package dev.vlmr1.studio.train;

import java.util.List;
import java.util.Map;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.jspecify.annotations.Nullable;

/**
 * One step's rollouts, ready for the loss: micro-batches with their advantages and old/reference log-probs, plus
 * the reward and completion metrics of the step. Reused for μ = {@code num_iterations} optimiser steps; its arrays
 * live on its own manager and go with {@link #close()}.
 *
 * @param micros the micro-batches (rows of zero-variance groups dropped when asked)
 * @param stepSequences completions over all micro-batches (the loss's divisor for grpo / dr_grpo)
 * @param stepTokens unmasked completion tokens over all micro-batches (dapo's divisor)
 * @param metrics reward and completion metrics under TRL's names
 * @param records the sample of completions for the rollout gallery
 * @param tokens prompt + completion tokens of all rows (for {@code num_tokens})
 */
record RolloutBuffer(NDManager manager, List<Micro> micros, int stepSequences, double stepTokens,
		Map<String, Double> metrics, List<RolloutRecord> records, long tokens) implements AutoCloseable {

	/**
	 * @param refLogps [B, T] reference log-probs, null when β = 0
	 * @param oldLogps [B, T] log-probs at rollout time, null when μ = 1 (then the detached current ones are used)
	 */
	record Micro(GrpoBatch batch, @Nullable NDArray refLogps, @Nullable NDArray oldLogps) {
	}

	@Override
	public void close() {
		manager.close();
	}

}

package dev.vlmr1.studio.plan;

import java.util.List;

/**
 * A run's estimated peak memory, as the parts alive at its peak.
 *
 * @param parts what takes the memory at the peak, largest first in no particular order
 * @param phase when the peak happens: {@code rollout} (sampling with the KV cache), {@code training} (forward and
 * backward of the step's micro-batches) or {@code generation} (an evaluation)
 * @param parameters the model's parameters
 * @param trainableParameters parameters the optimiser updates (LoRA adapters only with {@code lora_r} &gt; 0)
 * @param sequenceTokens tokens of one sequence at most (prompt with its image, then the completion)
 * @param imageTokens image tokens of the largest image
 */
public record MemoryEstimate(List<Part> parts, String phase, long parameters, long trainableParameters,
		long sequenceTokens, long imageTokens) {

	/** One part of the peak: {@code weights}, {@code gradients}, {@code optimizer}, {@code activations} … */
	public record Part(String name, long bytes, String detail) {
	}

	public MemoryEstimate {
		parts = List.copyOf(parts);
	}

	/** The memory of the tensors at the peak. */
	public long tensorBytes() {
		return parts.stream().mapToLong(Part::bytes).sum();
	}

}

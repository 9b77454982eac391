package dev.vlmr1.studio.plan;

import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.vlmr1.studio.model.TorchDtype;

/**
 * The hyperparameters of a run that decide its memory, read from the run's hyperparameter map (GRPO.md names,
 * defaults filled in).
 *
 * @param kind {@code grpo}, {@code sft} or {@code eval}
 * @param rows completions (GRPO) or samples (SFT) per micro-batch: {@code per_device_train_batch_size};
 * {@code eval_batch_size} for an evaluation
 * @param accumulation micro-batches per optimiser step
 * @param promptLength {@code max_prompt_length}
 * @param completionLength {@code max_completion_length}
 * @param maxPixels {@code max_pixels}, or 0 for the checkpoint's own
 * @param beta KL coefficient: a reference model when &gt; 0
 * @param loraRank {@code lora_r}; 0 = full fine-tuning
 * @param loraDropout {@code lora_dropout}
 * @param freezeVision no gradient into the vision tower
 * @param iterations μ: with more than one, the old policy's log-probs are kept per micro-batch
 * @param torchDtype {@code torch_dtype}: the precision of the base's matrices (norms and biases are float32)
 * @param gradientCheckpointing the policy's forward keeps only the decoder layers' inputs
 */
public record RunShape(String kind, int rows, int accumulation, int promptLength, int completionLength, long maxPixels,
		double beta, int loraRank, double loraDropout, boolean freezeVision, int iterations, TorchDtype torchDtype,
		boolean gradientCheckpointing) {

	/** The hyperparameters the plan reads; any other setting does not change a run's memory. */
	public static final List<String> READS = List.of("per_device_train_batch_size", "gradient_accumulation_steps",
			"num_generations", "max_prompt_length", "max_completion_length", "max_pixels", "beta", "lora_r",
			"lora_dropout", "freeze_vision", "num_iterations", "eval_batch_size", "torch_dtype",
			"gradient_checkpointing");

	public static RunShape of(String kind, Map<String, ?> hp) {
		String k = kind.toLowerCase(Locale.ROOT);
		boolean eval = k.equals("eval");
		return new RunShape(k, integer(hp, eval ? "eval_batch_size" : "per_device_train_batch_size", eval ? 4 : 8),
				eval ? 1 : integer(hp, "gradient_accumulation_steps", 1), integer(hp, "max_prompt_length", 1024),
				integer(hp, "max_completion_length", 256), (long) number(hp, "max_pixels", 0),
				k.equals("grpo") ? number(hp, "beta", 0.04) : 0, integer(hp, "lora_r", 0), number(hp, "lora_dropout", 0),
				hp.get("freeze_vision") instanceof Boolean b && b, k.equals("grpo") ? integer(hp, "num_iterations", 1) : 1,
				"float16".equals(hp.get("torch_dtype")) ? TorchDtype.FLOAT16 : TorchDtype.FLOAT32,
				!eval && hp.get("gradient_checkpointing") instanceof Boolean c && c);
	}

	public boolean trains() {
		return !kind.equals("eval");
	}

	public boolean lora() {
		return loraRank > 0;
	}

	/** Tokens of one sequence at most: the prompt (at least its image) and the completion. */
	public long sequence(long imageTokens) {
		return Math.max(promptLength, imageTokens) + completionLength;
	}

	private static int integer(Map<String, ?> hp, String name, int fallback) {
		return hp.get(name) instanceof Number n ? n.intValue() : fallback;
	}

	private static double number(Map<String, ?> hp, String name, double fallback) {
		return hp.get(name) instanceof Number n ? n.doubleValue() : fallback;
	}

}

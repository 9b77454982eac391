package dev.vlmr1.studio.model.lora;

/**
 * The shape of a set of adapters: rank r, scaling α / r (PEFT's {@code lora_alpha / r}, or α / √r with rsLoRA),
 * dropout on the adapter's input while training, and the target layers.
 *
 * @param r rank, ≥ 1
 * @param alpha PEFT's {@code lora_alpha}
 * @param dropout probability of zeroing an input element of the adapter while training, in [0, 1)
 * @param rsLora PEFT's {@code use_rslora}: scaling α / √r instead of α / r
 */
public record LoraConfig(int r, double alpha, double dropout, LoraTargets targets, boolean rsLora) {

	public LoraConfig {
		if (r < 1) {
			throw new IllegalArgumentException("LoRA rank r must be ≥ 1, was " + r);
		}
		if (!(alpha > 0) || Double.isInfinite(alpha)) {
			throw new IllegalArgumentException("lora_alpha must be > 0, was " + alpha);
		}
		if (!(dropout >= 0 && dropout < 1)) {
			throw new IllegalArgumentException("lora_dropout must be in [0, 1), was " + dropout);
		}
	}

	public LoraConfig(int r, double alpha, double dropout, LoraTargets targets) {
		this(r, alpha, dropout, targets, false);
	}

	/** The factor the adapter's output is multiplied by. */
	public double scaling() {
		return rsLora ? alpha / Math.sqrt(r) : alpha / r;
	}

}

package dev.vlmr1.studio.model.lora;

import ai.djl.ndarray.NDArray;
import org.jspecify.annotations.Nullable;

import dev.vlmr1.studio.model.HalfLinear;

/**
 * A linear layer ({@code nn.Linear}: y = x·Wᵀ + b, W stored [out, in] as in the checkpoint) that may carry a LoRA
 * adapter. With an active adapter the output is PEFT's {@code base(x) + lora_B(lora_A(dropout(x))) · scaling}; with
 * none, or with the adapters switched off, it is the base layer alone. The base weight may be float16 (a frozen
 * half-precision base, {@link HalfLinear}); the adapter and the output are float32.
 *
 * @see LoraAdapters
 */
public final class Projection {

	private final String module;

	private final NDArray weight;

	private final @Nullable NDArray bias;

	private @Nullable LoraAdapter adapter;

	/**
	 * @param module the module's released name, e.g. {@code model.layers.0.self_attn.q_proj}
	 * @param weight [out, in]
	 * @param bias [out], or null for a layer without bias
	 */
	public Projection(String module, NDArray weight, @Nullable NDArray bias) {
		this.module = module;
		this.weight = weight;
		this.bias = bias;
	}

	/** (…, in) → (…, out). */
	public NDArray forward(NDArray x) {
		NDArray base = HalfLinear.linear(x, weight, bias);
		LoraAdapter active = adapter;
		return active == null ? base : active.addTo(base, x);
	}

	/** The released module name ({@code visual.blocks.0.attn.qkv}, {@code model.layers.3.mlp.up_proj}). */
	public String module() {
		return module;
	}

	public NDArray weight() {
		return weight;
	}

	public @Nullable NDArray bias() {
		return bias;
	}

	public long inFeatures() {
		return weight.getShape().get(1);
	}

	public long outFeatures() {
		return weight.getShape().get(0);
	}

	/** The adapter on this layer, or null. */
	public @Nullable LoraAdapter adapter() {
		return adapter;
	}

	void attach(@Nullable LoraAdapter adapter) {
		this.adapter = adapter;
	}

}

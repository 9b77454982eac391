package dev.vlmr1.studio.model.vision;

import ai.djl.ndarray.NDArray;

import dev.vlmr1.studio.model.Parameters;
import dev.vlmr1.studio.model.lora.Projection;

/**
 * {@code nn.Linear} with bias, as every linear of the vision tower has: y = x·Wᵀ + b, W stored [out, in] as in the
 * checkpoint. A {@link Projection}, so it may carry a LoRA adapter.
 */
record LinearLayer(Projection projection) {

	/** A layer of given weights that carries no name (tests of single blocks). */
	LinearLayer(NDArray weight, NDArray bias) {
		this(new Projection("", weight, bias));
	}

	/** Loads {@code prefix.weight} [out, in] and {@code prefix.bias} [out]. */
	static LinearLayer load(Parameters params, String prefix, int in, int out) {
		return new LinearLayer(params.linear(prefix, in, out, true));
	}

	NDArray weight() {
		return projection.weight();
	}

	/** (…, in) → (…, out). */
	NDArray forward(NDArray x) {
		return projection.forward(x);
	}

}

package dev.vlmr1.studio.model.vision;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.core.Linear;

import dev.vlmr1.studio.model.Parameters;

/**
 * {@code nn.Linear} with bias, as every linear of the vision tower has: y = x·Wᵀ + b, W stored [out, in] as in the
 * checkpoint. Uses libtorch's fused {@code linear}, which keeps the result on the input's manager.
 */
record LinearLayer(NDArray weight, NDArray bias) {

	/** Loads {@code prefix.weight} [out, in] and {@code prefix.bias} [out]. */
	static LinearLayer load(Parameters params, String prefix, int in, int out) {
		return new LinearLayer(params.load(prefix + ".weight", out, in), params.load(prefix + ".bias", out));
	}

	/** (…, in) → (…, out). */
	NDArray forward(NDArray x) {
		return Linear.linear(x, weight, bias).singletonOrThrow();
	}

}

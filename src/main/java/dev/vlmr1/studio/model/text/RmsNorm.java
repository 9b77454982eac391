package dev.vlmr1.studio.model.text;

import ai.djl.ndarray.NDArray;

import dev.vlmr1.studio.model.Scalars;

/**
 * Root-mean-square layer norm over the last axis: {@code w · x / sqrt(mean(x²) + ε)}. Mirrors {@code Qwen2RMSNorm};
 * computed in float32 like transformers.
 */
public final class RmsNorm {

	private final NDArray weight;

	private final float eps;

	public RmsNorm(NDArray weight, double eps) {
		this.weight = weight;
		this.eps = (float) eps;
	}

	/** (…, C) → (…, C). */
	public NDArray forward(NDArray x) {
		NDArray inverseRms = x.square().mean(new int[] { -1 }, true).add(Scalars.of(x, eps)).pow(Scalars.of(x, -0.5)); // (…, 1)
		return x.mul(inverseRms).mul(weight);
	}

}

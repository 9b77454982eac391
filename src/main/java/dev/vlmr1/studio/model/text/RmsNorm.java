package dev.vlmr1.studio.model.text;

import ai.djl.ndarray.NDArray;

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
		NDArray inverseRms = x.square().mean(new int[] { -1 }, true).add(scalar(x, eps)).pow(scalar(x, -0.5f)); // (…, 1)
		return x.mul(inverseRms).mul(weight);
	}

	/**
	 * A scalar on {@code x}'s manager: DJL's {@code add(Number)}/{@code pow(Number)} wrap the number in a buffer it
	 * frees at once while autograd still reads it in backward (GC-dependent garbage or NaN gradients).
	 */
	private static NDArray scalar(NDArray x, float value) {
		return x.getManager().create(value);
	}

}

package dev.vlmr1.studio.model.vision;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.norm.LayerNorm;

import dev.vlmr1.studio.model.ModelType;
import dev.vlmr1.studio.model.Parameters;

import dev.vlmr1.studio.model.Scalars;

/**
 * The normalisation of the vision blocks and the merger's {@code ln_q}: RMSNorm for Qwen2.5-VL, LayerNorm with bias
 * for Qwen2-VL, both with ε = 1e-6 as transformers hard-codes them for the vision tower.
 */
sealed interface VisionNorm {

	float EPS = 1e-6f;

	/** (…, C) → (…, C). */
	NDArray forward(NDArray x);

	/** Loads {@code prefix.weight} (and {@code prefix.bias} for LayerNorm) of size {@code dim}. */
	static VisionNorm load(ModelType type, Parameters params, String prefix, int dim) {
		if (type == ModelType.QWEN2_5_VL) {
			return new RmsNorm(params.load(prefix + ".weight", dim), EPS);
		}
		NDArray weight = params.load(prefix + ".weight", dim);
		return new LayerNormWithBias(weight, params.load(prefix + ".bias", dim), EPS);
	}

	/**
	 * Mirrors {@code Qwen2RMSNorm}: x / √(mean(x²) + ε) · weight. DJL has no RMSNorm, so it is composed; the input is
	 * float32, which is the precision transformers normalises in.
	 */
	record RmsNorm(NDArray weight, float eps) implements VisionNorm {

		@Override
		public NDArray forward(NDArray x) {
			NDArray inverseRms = x.square().mean(new int[] { -1 }, true).add(Scalars.of(x, eps)).pow(Scalars.of(x, -0.5)); // (…, 1)
			return x.mul(inverseRms).mul(weight); // (…, C)
		}

	}

	/** Mirrors {@code nn.LayerNorm(dim, eps=1e-6)} of Qwen2-VL's vision blocks and merger. */
	record LayerNormWithBias(NDArray weight, NDArray bias, float eps) implements VisionNorm {

		@Override
		public NDArray forward(NDArray x) {
			return LayerNorm.layerNorm(x, new Shape(weight.getShape().get(0)), weight, bias, eps).singletonOrThrow();
		}

	}

}

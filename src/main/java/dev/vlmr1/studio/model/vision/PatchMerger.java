package dev.vlmr1.studio.model.vision;

import ai.djl.ndarray.NDArray;

import dev.vlmr1.studio.model.Parameters;
import dev.vlmr1.studio.model.VisionConfig;

/**
 * Mirrors {@code Qwen2_5_VLPatchMerger} / Qwen2-VL's {@code PatchMerger}: normalise each patch ({@code ln_q}: RMSNorm
 * for Qwen2.5-VL, LayerNorm for Qwen2-VL), concatenate each group of merge² consecutive patches (one 2×2 block, as
 * the processor lays them out), then Linear → exact GELU → Linear to the text hidden size. Legend: P patches, C
 * width, M = merge² · C, O text hidden size.
 */
final class PatchMerger {

	private final VisionNorm lnQ;

	private final LinearLayer mlp0;

	private final LinearLayer mlp2;

	private final int mergedWidth;

	PatchMerger(VisionNorm lnQ, LinearLayer mlp0, LinearLayer mlp2, int mergedWidth) {
		this.lnQ = lnQ;
		this.mlp0 = mlp0;
		this.mlp2 = mlp2;
		this.mergedWidth = mergedWidth;
	}

	static PatchMerger load(VisionConfig config, Parameters params) {
		int merged = config.width() * config.spatialMergeSize() * config.spatialMergeSize();
		return new PatchMerger(VisionNorm.load(config.modelType(), params, "visual.merger.ln_q", config.width()),
				LinearLayer.load(params, "visual.merger.mlp.0", merged, merged),
				LinearLayer.load(params, "visual.merger.mlp.2", merged, config.outHiddenSize()), merged);
	}

	/** (P, C) → (P / merge², O). */
	NDArray forward(NDArray x) {
		NDArray grouped = lnQ.forward(x).reshape(-1, mergedWidth); // (P/4, M)
		return mlp2.forward(VisionActivations.gelu(mlp0.forward(grouped))); // (P/4, M) → (P/4, O)
	}

}

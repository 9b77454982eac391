package dev.vlmr1.studio.model.vision;

import ai.djl.ndarray.NDArray;

import dev.vlmr1.studio.model.Parameters;
import dev.vlmr1.studio.model.VisionConfig;

/**
 * Mirrors {@code Qwen2_5_VLVisionBlock} / Qwen2-VL's {@code Qwen2VLVisionBlock}: a pre-norm residual block,
 * x + attn(norm1(x)), then + mlp(norm2(x)). The norms and the MLP follow the architecture (RMSNorm + SwiGLU for
 * Qwen2.5-VL, LayerNorm + QuickGELU for Qwen2-VL). Legend: P patches, C width, D head dim.
 */
final class VisionBlock {

	private final VisionNorm norm1;

	private final VisionAttention attn;

	private final VisionNorm norm2;

	private final VisionMlp mlp;

	VisionBlock(VisionNorm norm1, VisionAttention attn, VisionNorm norm2, VisionMlp mlp) {
		this.norm1 = norm1;
		this.attn = attn;
		this.norm2 = norm2;
		this.mlp = mlp;
	}

	/** Loads {@code visual.blocks.<index>.*}. */
	static VisionBlock load(VisionConfig config, Parameters params, int index) {
		String prefix = "visual.blocks." + index;
		return new VisionBlock(VisionNorm.load(config.modelType(), params, prefix + ".norm1", config.width()),
				VisionAttention.load(config, params, prefix + ".attn"),
				VisionNorm.load(config.modelType(), params, prefix + ".norm2", config.width()),
				VisionMlp.load(config, params, prefix + ".mlp"));
	}

	/**
	 * (P, C) → (P, C).
	 * @param cos rotary table (P, D)
	 * @param sin rotary table (P, D)
	 * @param bounds attention segments over P (windows or frames)
	 */
	NDArray forward(NDArray x, NDArray cos, NDArray sin, int[] bounds) {
		NDArray h = x.add(attn.forward(norm1.forward(x), cos, sin, bounds)); // (P, C)
		return h.add(mlp.forward(norm2.forward(h))); // (P, C)
	}

}

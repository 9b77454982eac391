package dev.vlmr1.studio.model.vision;

import ai.djl.ndarray.NDArray;

import dev.vlmr1.studio.model.HalfLinear;
import dev.vlmr1.studio.model.Parameters;
import dev.vlmr1.studio.model.VisionConfig;

/**
 * Mirrors {@code Qwen2_5_VisionPatchEmbed} / Qwen2-VL's {@code PatchEmbed}: a Conv3d whose kernel equals its stride
 * and covers a whole flattened patch row (channels × temporal × patch × patch = 1176 values), so it is exactly a
 * matmul with the kernel flattened to [C, 1176], without bias. Legend: P patches, C width.
 */
final class PatchEmbed {

	private final NDArray weight; // (C, 3, 2, 14, 14) as stored, the registered parameter

	private final int width;

	private final int patchDim;

	PatchEmbed(NDArray weight, int width, int patchDim) {
		this.weight = weight;
		this.width = width;
		this.patchDim = patchDim;
	}

	static PatchEmbed load(VisionConfig config, Parameters params) {
		NDArray weight = params.load("visual.patch_embed.proj.weight", config.width(), config.inChannels(),
				config.temporalPatchSize(), config.patchSize(), config.patchSize());
		return new PatchEmbed(weight, config.width(), config.patchDim());
	}

	/** (P, 1176) → (P, C). */
	NDArray forward(NDArray pixelRows) {
		// A view of the parameter, so gradients reach it; attached to the caller's manager so it is freed with
		// the other temporaries of this call rather than piling up on the parameters' manager.
		NDArray kernel = weight.reshape(width, patchDim); // (C, 1176)
		kernel.attach(pixelRows.getManager());
		return HalfLinear.linear(pixelRows, kernel, null); // (P, C)
	}

}

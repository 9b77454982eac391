package dev.vlmr1.studio.model;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The vision tower's settings ({@code vision_config} of {@code config.json}), normalised across the two
 * architectures: Qwen2-VL calls the width {@code embed_dim} and the merger's output {@code hidden_size}; Qwen2.5-VL
 * calls them {@code hidden_size} and {@code out_hidden_size}.
 *
 * @param width channels of every vision block
 * @param intermediateSize MLP hidden size (Qwen2-VL: width × mlp_ratio)
 * @param outHiddenSize the merger's output size, equal to the text hidden size
 * @param windowSize window attention span in pixels (Qwen2.5-VL only, 0 for Qwen2-VL)
 * @param fullAttentionBlocks blocks that attend over the whole image (Qwen2.5-VL); all blocks for Qwen2-VL
 */
public record VisionConfig(ModelType modelType, int depth, int width, int numHeads, int intermediateSize,
		int outHiddenSize, int patchSize, int spatialMergeSize, int temporalPatchSize, int inChannels, int windowSize,
		List<Integer> fullAttentionBlocks, double ropeTheta, String hiddenAct) {

	public int headDim() {
		return width / numHeads;
	}

	/** Values per flattened patch row: channels × temporal × patch × patch (1176 for the real models). */
	public int patchDim() {
		return inChannels * temporalPatchSize * patchSize * patchSize;
	}

	public boolean isFullAttention(int block) {
		return modelType == ModelType.QWEN2_VL || fullAttentionBlocks.contains(block);
	}

	static VisionConfig fromJson(ModelType type, JsonNode v) {
		int depth = v.path("depth").asInt();
		int heads = v.path("num_heads").asInt();
		int patch = v.path("patch_size").asInt(14);
		int merge = v.path("spatial_merge_size").asInt(2);
		int temporal = v.path("temporal_patch_size").asInt(2);
		int channels = v.path("in_channels").asInt(3);
		double theta = v.path("rope_parameters").path("rope_theta").asDouble(10000.0);
		if (type == ModelType.QWEN2_VL) {
			int width = v.path("embed_dim").asInt();
			int mlp = (int) Math.round(width * v.path("mlp_ratio").asDouble(4));
			List<Integer> all = new ArrayList<>();
			for (int i = 0; i < depth; i++) {
				all.add(i);
			}
			return new VisionConfig(type, depth, width, heads, mlp, v.path("hidden_size").asInt(), patch, merge,
					temporal, channels, 0, all, theta, v.path("hidden_act").asText("quick_gelu"));
		}
		List<Integer> full = new ArrayList<>();
		v.path("fullatt_block_indexes").forEach((n) -> full.add(n.asInt()));
		return new VisionConfig(type, depth, v.path("hidden_size").asInt(), heads, v.path("intermediate_size").asInt(),
				v.path("out_hidden_size").asInt(), patch, merge, temporal, channels, v.path("window_size").asInt(112),
				List.copyOf(full), theta, v.path("hidden_act").asText("silu"));
	}

}

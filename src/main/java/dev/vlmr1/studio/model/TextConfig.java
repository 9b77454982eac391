package dev.vlmr1.studio.model;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The language model's settings. Read from {@code text_config} when present, else from the root (the flat layout
 * of the released checkpoints); the rope parameters from {@code rope_parameters} (transformers v5) or
 * {@code rope_scaling} (older), with θ defaulting to 1e6.
 *
 * @param mropeSection rotary half-dims per axis (t, h, w), e.g. [16, 24, 24] for 3B; sums to headDim / 2
 */
public record TextConfig(int vocabSize, int hiddenSize, int intermediateSize, int numLayers, int numHeads,
		int numKeyValueHeads, double rmsNormEps, double ropeTheta, int[] mropeSection, boolean tieWordEmbeddings,
		int maxPositionEmbeddings) {

	public int headDim() {
		return hiddenSize / numHeads;
	}

	static TextConfig fromJson(JsonNode root) {
		JsonNode text = root.has("text_config") ? root.get("text_config") : root;
		JsonNode rope = text.has("rope_parameters") ? text.get("rope_parameters")
				: text.has("rope_scaling") ? text.get("rope_scaling") : root.path("rope_scaling");
		double theta = rope.path("rope_theta").asDouble(text.path("rope_theta").asDouble(1e6));
		JsonNode sectionNode = rope.path("mrope_section");
		if (!sectionNode.isArray() || sectionNode.size() != 3) {
			throw new CheckpointException("config.json: no mrope_section [t, h, w] in rope_parameters or rope_scaling");
		}
		int[] section = new int[3];
		for (int i = 0; i < 3; i++) {
			section[i] = sectionNode.get(i).asInt();
		}
		int heads = require(text, "num_attention_heads");
		boolean tied = text.has("tie_word_embeddings") ? text.get("tie_word_embeddings").asBoolean()
				: root.path("tie_word_embeddings").asBoolean(false);
		var config = new TextConfig(require(text, "vocab_size"), require(text, "hidden_size"),
				require(text, "intermediate_size"), require(text, "num_hidden_layers"), heads,
				text.path("num_key_value_heads").asInt(heads), text.path("rms_norm_eps").asDouble(1e-6), theta, section,
				tied, text.path("max_position_embeddings").asInt(32768));
		if (2 * (section[0] + section[1] + section[2]) != config.headDim()) {
			throw new CheckpointException("config.json: mrope_section " + java.util.Arrays.toString(section)
					+ " does not cover head_dim " + config.headDim());
		}
		return config;
	}

	private static int require(JsonNode node, String field) {
		if (!node.path(field).canConvertToInt()) {
			throw new CheckpointException("config.json: missing integer field " + field);
		}
		return node.get(field).asInt();
	}

}

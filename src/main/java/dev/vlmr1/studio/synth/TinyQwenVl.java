package dev.vlmr1.studio.synth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The shape of a tiny Qwen2.5-VL: the real architecture (window attention vision tower, merger, GQA decoder with
 * M-RoPE, tied embeddings) at a size that trains on two CPU cores. Writes {@code config.json} in transformers' nested
 * {@code text_config} layout, {@code preprocessor_config.json} and {@code generation_config.json}; special token ids
 * and the vocabulary size come from the tokenizer the model is made for.
 *
 * @param hiddenSize text hidden size C
 * @param numLayers decoder layers
 * @param numHeads attention heads; head_dim = C / heads and must be divisible by 4 (M-RoPE sections)
 * @param numKeyValueHeads key/value heads (GQA), dividing numHeads
 * @param intermediateSize decoder SwiGLU hidden size
 * @param visionWidth vision block width
 * @param visionDepth vision blocks; the last one attends over the whole image, the others within windows
 * @param visionHeads vision attention heads
 * @param visionIntermediateSize vision SwiGLU hidden size
 * @param maxPixels images are shrunk to at most this many pixels (the synthetic ones are 112×112)
 */
public record TinyQwenVl(int hiddenSize, int numLayers, int numHeads, int numKeyValueHeads, int intermediateSize,
		int visionWidth, int visionDepth, int visionHeads, int visionIntermediateSize, long maxPixels) {

	/** About 1.2 M parameters with a 1k vocabulary; a 112×112 image becomes 16 image tokens. */
	public static final TinyQwenVl DEFAULT = new TinyQwenVl(128, 4, 4, 2, 384, 64, 2, 2, 128, 112 * 112);

	private static final ObjectMapper JSON = new ObjectMapper();

	public TinyQwenVl {
		if (hiddenSize % numHeads != 0 || (hiddenSize / numHeads) % 4 != 0) {
			throw new IllegalArgumentException("hidden size " + hiddenSize + " / " + numHeads
					+ " heads must be a head dim divisible by 4");
		}
		if (numHeads % numKeyValueHeads != 0) {
			throw new IllegalArgumentException(numHeads + " heads are not a multiple of " + numKeyValueHeads);
		}
		if (visionWidth % visionHeads != 0 || (visionWidth / visionHeads) % 4 != 0) {
			throw new IllegalArgumentException("vision width " + visionWidth + " / " + visionHeads
					+ " heads must be a head dim divisible by 4 (2D rotary)");
		}
		if (numLayers < 1 || visionDepth < 1 || intermediateSize < 1 || visionIntermediateSize < 1) {
			throw new IllegalArgumentException("layers, depth and MLP sizes must be positive");
		}
		if (maxPixels < 56 * 56) {
			throw new IllegalArgumentException("max pixels " + maxPixels + " is below the minimum 56x56");
		}
	}

	/**
	 * The standard deviation of the initial weights: 1/√C rather than the released models' 0.02, which suits C in
	 * the thousands. At C = 128, 0.02 leaves attention uniform and the image features a faint shared vector; such a
	 * model learnt nothing about a one-shape image's colour in 600 SFT steps, while at 1/√C it learnt it in 150.
	 */
	public double initializerRange() {
		return Math.round(1000 / Math.sqrt(hiddenSize)) / 1000.0;
	}

	/** M-RoPE sections (t, h, w) over head_dim / 2, in the 2 : 3 : 3 ratio of the released models (16, 24, 24). */
	public int[] mropeSection() {
		int half = hiddenSize / numHeads / 2;
		int spatial = half * 3 / 8;
		return new int[] { half - 2 * spatial, spatial, spatial };
	}

	/** Writes the three config files into {@code dir} for a model using {@code tokenizer}. */
	public void write(Path dir, BpeTokenizer tokenizer) {
		try {
			Files.createDirectories(dir);
			var writer = JSON.writerWithDefaultPrettyPrinter();
			Files.writeString(dir.resolve("config.json"), writer.writeValueAsString(config(tokenizer)));
			Files.writeString(dir.resolve("preprocessor_config.json"), writer.writeValueAsString(preprocessor()));
			Files.writeString(dir.resolve("generation_config.json"), writer.writeValueAsString(generation(tokenizer)));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(dir + ": cannot write the model config: " + ex.getMessage(), ex);
		}
	}

	/** {@code config.json}: Qwen2_5_VLForConditionalGeneration, nested {@code text_config} (transformers v5). */
	public ObjectNode config(BpeTokenizer tokenizer) {
		int pad = tokenizer.specialTokenId(QwenSpecialTokens.END_OF_TEXT);
		int eos = tokenizer.specialTokenId(QwenSpecialTokens.IM_END);
		ObjectNode root = JSON.createObjectNode();
		root.putArray("architectures").add("Qwen2_5_VLForConditionalGeneration");
		root.put("bos_token_id", pad);
		root.put("dtype", "float32");
		root.put("eos_token_id", eos);
		root.put("image_token_id", tokenizer.specialTokenId(QwenSpecialTokens.IMAGE_PAD));
		root.put("model_type", "qwen2_5_vl");
		root.put("pad_token_id", pad);
		root.set("text_config", textConfig(tokenizer.size(), pad, eos));
		root.put("tie_word_embeddings", true);
		root.put("video_token_id", tokenizer.specialTokenId(QwenSpecialTokens.VIDEO_PAD));
		root.set("vision_config", visionConfig());
		root.put("vision_end_token_id", tokenizer.specialTokenId(QwenSpecialTokens.VISION_END));
		root.put("vision_start_token_id", tokenizer.specialTokenId(QwenSpecialTokens.VISION_START));
		return root;
	}

	private ObjectNode textConfig(int vocabSize, int pad, int eos) {
		ObjectNode text = JSON.createObjectNode();
		text.put("attention_dropout", 0.0);
		text.put("bos_token_id", pad);
		text.put("eos_token_id", eos);
		text.put("hidden_act", "silu");
		text.put("hidden_size", hiddenSize);
		text.put("initializer_range", initializerRange());
		text.put("intermediate_size", intermediateSize);
		ArrayNode layerTypes = text.putArray("layer_types");
		for (int i = 0; i < numLayers; i++) {
			layerTypes.add("full_attention");
		}
		text.put("max_position_embeddings", 4096);
		text.put("max_window_layers", numLayers);
		text.put("model_type", "qwen2_5_vl_text");
		text.put("num_attention_heads", numHeads);
		text.put("num_hidden_layers", numLayers);
		text.put("num_key_value_heads", numKeyValueHeads);
		text.put("pad_token_id", pad);
		text.put("rms_norm_eps", 1e-6);
		ObjectNode rope = text.putObject("rope_parameters");
		ArrayNode section = rope.putArray("mrope_section");
		for (int s : mropeSection()) {
			section.add(s);
		}
		rope.put("rope_theta", 1_000_000.0);
		rope.put("rope_type", "default");
		text.putNull("sliding_window");
		text.put("tie_word_embeddings", true);
		text.put("use_cache", true);
		text.put("use_sliding_window", false);
		text.put("vocab_size", vocabSize);
		return text;
	}

	private ObjectNode visionConfig() {
		ObjectNode vision = JSON.createObjectNode();
		vision.put("depth", visionDepth);
		vision.putArray("fullatt_block_indexes").add(visionDepth - 1);
		vision.put("hidden_act", "silu");
		vision.put("hidden_size", visionWidth);
		vision.put("in_channels", 3);
		vision.put("initializer_range", initializerRange());
		vision.put("intermediate_size", visionIntermediateSize);
		vision.put("model_type", "qwen2_5_vl_vision");
		vision.put("num_heads", visionHeads);
		vision.put("out_hidden_size", hiddenSize);
		vision.put("patch_size", 14);
		ObjectNode rope = vision.putObject("rope_parameters");
		rope.put("rope_theta", 10000.0);
		rope.put("rope_type", "axial");
		vision.put("spatial_merge_size", 2);
		vision.put("temporal_patch_size", 2);
		vision.put("tokens_per_second", 2);
		// 56 px = 2×2 merged tokens per window: a 112×112 image (4×4 merged tokens) has four windows
		vision.put("window_size", 56);
		return vision;
	}

	/** {@code preprocessor_config.json}: Qwen2VLImageProcessor with CLIP normalisation, at most {@code maxPixels}. */
	public ObjectNode preprocessor() {
		ObjectNode pre = JSON.createObjectNode();
		pre.put("min_pixels", 56 * 56);
		pre.put("max_pixels", maxPixels);
		pre.putObject("size").put("shortest_edge", 56 * 56).put("longest_edge", maxPixels);
		pre.put("patch_size", 14);
		pre.put("temporal_patch_size", 2);
		pre.put("merge_size", 2);
		pre.putArray("image_mean").add(0.48145466).add(0.4578275).add(0.40821073);
		pre.putArray("image_std").add(0.26862954).add(0.26130258).add(0.27577711);
		pre.put("image_processor_type", "Qwen2VLImageProcessor");
		pre.put("processor_class", "Qwen2_5_VLProcessor");
		return pre;
	}

	/** {@code generation_config.json}: bos/pad {@code <|endoftext|>}, eos {@code <|im_end|>}, as Qwen derives it. */
	public JsonNode generation(BpeTokenizer tokenizer) {
		int pad = tokenizer.specialTokenId(QwenSpecialTokens.END_OF_TEXT);
		ObjectNode generation = JSON.createObjectNode();
		generation.put("_from_model_config", true);
		generation.put("bos_token_id", pad);
		generation.put("eos_token_id", tokenizer.specialTokenId(QwenSpecialTokens.IM_END));
		generation.put("pad_token_id", pad);
		generation.put("use_cache", true);
		return generation;
	}

}

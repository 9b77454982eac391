package dev.vlmr1.studio.synth;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The JSON of a Qwen2-style tokenizer, field for field as transformers writes Qwen2's: NFC normaliser, the Qwen split
 * regex then a regex-free {@code ByteLevel} pre-tokenizer, {@code ByteLevel} post-processor and decoder, a BPE model
 * without unk token or byte fallback (the byte alphabet covers every input), and the special tokens as added tokens
 * that are matched before normalisation.
 */
final class TokenizerJson {

	private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

	private TokenizerJson() {
	}

	static ObjectNode tokenizer(BpeTokenizer tokenizer) {
		ObjectNode root = NODES.objectNode();
		root.put("version", "1.0");
		root.putNull("truncation");
		root.putNull("padding");
		ArrayNode added = root.putArray("added_tokens");
		for (String special : tokenizer.specialTokens()) {
			ObjectNode token = added.addObject();
			token.put("id", tokenizer.specialTokenId(special));
			token.put("content", special);
			token.put("single_word", false);
			token.put("lstrip", false);
			token.put("rstrip", false);
			token.put("normalized", false);
			token.put("special", true);
		}
		root.putObject("normalizer").put("type", "NFC");
		ObjectNode pre = root.putObject("pre_tokenizer");
		pre.put("type", "Sequence");
		ArrayNode steps = pre.putArray("pretokenizers");
		ObjectNode split = steps.addObject();
		split.put("type", "Split");
		split.putObject("pattern").put("Regex", QwenPreTokenizer.SPLIT_REGEX);
		split.put("behavior", "Isolated");
		split.put("invert", false);
		steps.add(byteLevel(false, true, false));
		root.set("post_processor", byteLevel(true, false, true));
		root.set("decoder", byteLevel(true, true, true));
		root.set("model", model(tokenizer));
		return root;
	}

	private static ObjectNode byteLevel(boolean addPrefixSpace, boolean trimOffsets, boolean useRegex) {
		ObjectNode node = NODES.objectNode();
		node.put("type", "ByteLevel");
		node.put("add_prefix_space", addPrefixSpace);
		node.put("trim_offsets", trimOffsets);
		node.put("use_regex", useRegex);
		return node;
	}

	private static ObjectNode model(BpeTokenizer tokenizer) {
		ObjectNode model = NODES.objectNode();
		model.put("type", "BPE");
		model.putNull("dropout");
		model.putNull("unk_token");
		model.putNull("continuing_subword_prefix");
		model.putNull("end_of_word_suffix");
		model.put("fuse_unk", false);
		model.put("byte_fallback", false);
		model.put("ignore_merges", false);
		ObjectNode vocab = model.putObject("vocab");
		for (int id = 0; id < tokenizer.vocab().size(); id++) {
			vocab.put(tokenizer.vocab().get(id), id);
		}
		ArrayNode merges = model.putArray("merges");
		for (String[] merge : tokenizer.merges()) {
			merges.addArray().add(merge[0]).add(merge[1]);
		}
		return model;
	}

	/** {@code tokenizer_config.json}: Qwen2Tokenizer, eos {@code <|im_end|>}, pad {@code <|endoftext|>}, no bos. */
	static ObjectNode tokenizerConfig(BpeTokenizer tokenizer) {
		ObjectNode config = NODES.objectNode();
		config.put("model_max_length", 32768);
		config.put("tokenizer_class", "Qwen2Tokenizer");
		config.put("eos_token", QwenSpecialTokens.IM_END);
		config.put("pad_token", QwenSpecialTokens.END_OF_TEXT);
		config.putNull("unk_token");
		config.putNull("bos_token");
		config.put("errors", "replace");
		config.put("split_special_tokens", false);
		config.put("clean_up_tokenization_spaces", false);
		ObjectNode decoder = config.putObject("added_tokens_decoder");
		for (String special : tokenizer.specialTokens()) {
			ObjectNode token = decoder.putObject(Integer.toString(tokenizer.specialTokenId(special)));
			token.put("content", special);
			token.put("lstrip", false);
			token.put("normalized", false);
			token.put("rstrip", false);
			token.put("single_word", false);
			token.put("special", true);
		}
		return config;
	}

}

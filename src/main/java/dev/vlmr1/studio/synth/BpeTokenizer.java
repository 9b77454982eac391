package dev.vlmr1.studio.synth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A trained byte-level BPE tokenizer: the vocabulary in id order (256 byte characters, then one token per new
 * merge), the merges in priority order, and the special tokens that follow the vocabulary as added tokens. Written as
 * a Hugging Face {@code tokenizer.json} + {@code tokenizer_config.json} with the structure of Qwen2's, so transformers,
 * {@code tokenizers} and DJL load it like a released Qwen tokenizer.
 *
 * @param vocab token strings (in {@link ByteLevel} characters) by id
 * @param merges pairs of token strings, highest priority first
 * @param specialTokens added after the vocabulary: the first gets id {@code vocab.size()}
 */
public record BpeTokenizer(List<String> vocab, List<String[]> merges, List<String> specialTokens) {

	private static final ObjectMapper JSON = new ObjectMapper();

	public BpeTokenizer {
		vocab = List.copyOf(vocab);
		merges = List.copyOf(merges);
		specialTokens = List.copyOf(specialTokens);
	}

	/** Vocabulary plus special tokens: the smallest {@code vocab_size} a model for this tokenizer can have. */
	public int size() {
		return vocab.size() + specialTokens.size();
	}

	/**
	 * The id of a special token.
	 * @throws IllegalArgumentException if it is not one of this tokenizer's special tokens
	 */
	public int specialTokenId(String token) {
		int index = specialTokens.indexOf(token);
		if (index < 0) {
			throw new IllegalArgumentException("not a special token: " + token);
		}
		return vocab.size() + index;
	}

	/** Writes {@code tokenizer.json} and {@code tokenizer_config.json} into {@code dir} (created if needed). */
	public void write(Path dir) {
		try {
			Files.createDirectories(dir);
			var writer = JSON.writerWithDefaultPrettyPrinter();
			Files.writeString(dir.resolve("tokenizer.json"), writer.writeValueAsString(TokenizerJson.tokenizer(this)));
			Files.writeString(dir.resolve("tokenizer_config.json"),
					writer.writeValueAsString(TokenizerJson.tokenizerConfig(this)));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(dir + ": cannot write the tokenizer: " + ex.getMessage(), ex);
		}
	}

	/** The {@code tokenizer.json} document. */
	public ObjectNode tokenizerJson() {
		return TokenizerJson.tokenizer(this);
	}

}

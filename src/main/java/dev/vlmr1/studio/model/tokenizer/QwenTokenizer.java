package dev.vlmr1.studio.model.tokenizer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;

import dev.vlmr1.studio.model.lora.PeftAdapterFiles;

/**
 * The Qwen2 / Qwen2.5-VL tokenizer from a checkpoint's {@code tokenizer.json}, through DJL's binding of Hugging Face
 * {@code tokenizers}. Encodes exactly like {@code tokenizer(text, add_special_tokens=False)} in Python.
 *
 * <p>Why the builder options: DJL's defaults truncate to 512 tokens and may pad or add special tokens; a GRPO prompt
 * with image pads is longer than that, and the Qwen template adds its own special tokens as text. All three are off.
 * Special tokens written inside the text (e.g. {@code <|im_start|>}) are recognised as single ids, as in Python.
 */
public final class QwenTokenizer implements AutoCloseable {

	private final HuggingFaceTokenizer tokenizer;

	private final SpecialTokens special;

	private QwenTokenizer(HuggingFaceTokenizer tokenizer) {
		this.tokenizer = tokenizer;
		this.special = new SpecialTokens(tokenId(SpecialTokens.PAD), tokenId(SpecialTokens.IM_START),
				tokenId(SpecialTokens.IM_END), tokenId(SpecialTokens.VISION_START), tokenId(SpecialTokens.VISION_END),
				tokenId(SpecialTokens.IMAGE_PAD), tokenId(SpecialTokens.VIDEO_PAD));
	}

	/**
	 * Loads {@code tokenizer.json} from a checkpoint directory or the file itself.
	 * @throws IllegalArgumentException if the file is missing, unreadable, or lacks a Qwen special token
	 */
	public static QwenTokenizer load(Path path) {
		Path file = Files.isDirectory(path) ? path.resolve("tokenizer.json") : path;
		if (!Files.isRegularFile(file) && PeftAdapterFiles.isAdapter(path)) {
			file = PeftAdapterFiles.basePath(path).resolve("tokenizer.json"); // a bare PEFT adapter: the base's
		}
		if (!Files.isRegularFile(file)) {
			throw new IllegalArgumentException(file + ": no tokenizer.json");
		}
		HuggingFaceTokenizer tokenizer;
		try {
			tokenizer = HuggingFaceTokenizer.builder()
				.optTokenizerPath(file)
				.optAddSpecialTokens(false)
				.optTruncation(false)
				.optPadding(false)
				.build();
		}
		catch (IOException | RuntimeException ex) {
			throw new IllegalArgumentException(file + ": cannot load tokenizer: " + ex.getMessage(), ex);
		}
		try {
			return new QwenTokenizer(tokenizer);
		}
		catch (RuntimeException ex) {
			tokenizer.close();
			throw ex;
		}
	}

	/** Token ids of {@code text}, no special tokens added, never truncated. */
	public long[] encode(String text) {
		return tokenizer.encode(text, false, false).getIds();
	}

	/** Text of {@code ids}; with {@code skipSpecialTokens} the Qwen special tokens are left out. */
	public String decode(long[] ids, boolean skipSpecialTokens) {
		return tokenizer.decode(ids, skipSpecialTokens);
	}

	/** The ids of the Qwen special tokens, read from this tokenizer. */
	public SpecialTokens specialTokens() {
		return special;
	}

	/**
	 * The id of a token that must encode to exactly one id (an added or special token such as {@code <|im_end|>}).
	 * @throws IllegalArgumentException if the tokenizer splits it
	 */
	public long tokenId(String token) {
		long[] ids = encode(token);
		if (ids.length != 1) {
			throw new IllegalArgumentException("tokenizer has no single token " + token + " (it encodes to "
					+ ids.length + " ids): not a Qwen-VL tokenizer?");
		}
		return ids[0];
	}

	@Override
	public void close() {
		tokenizer.close();
	}

}

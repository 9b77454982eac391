package dev.vlmr1.studio.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import dev.vlmr1.studio.model.image.ProcessedImages;
import dev.vlmr1.studio.model.tokenizer.QwenTokenizer;
import dev.vlmr1.studio.model.tokenizer.SpecialTokens;

/**
 * The Qwen2-VL / Qwen2.5-VL chat template and the {@code <|image_pad|>} expansion that the processor does after it.
 * Mirrors the checkpoints' Jinja {@code chat_template} (default system prompt when the first turn is not a system
 * turn, {@code <|im_start|>role\n…<|im_end|>\n} per turn, one {@code <|vision_start|><|image_pad|><|vision_end|>} per
 * image) and {@code Qwen2_5_VLProcessor.__call__}, which repeats each image's pad t·h·w/merge² times.
 *
 * <p>A training sequence is the rendered prompt (with the generation prompt) followed directly by the completion's
 * text ending in {@code <|im_end|>}, without a trailing newline: that is how the fixtures' {@code single} case and
 * TRL's GRPO build it, and tokenizing the two parts separately gives the same ids as tokenizing them together.
 */
public final class ChatTemplate {

	public static final String DEFAULT_SYSTEM_PROMPT = "You are a helpful assistant.";

	/** Where an image goes inside a turn's text; without markers the images precede the text. */
	public static final String IMAGE_MARKER = "<image>";

	public static final String VISION_BLOCK = SpecialTokens.VISION_START + SpecialTokens.IMAGE_PAD
			+ SpecialTokens.VISION_END;

	public static final String GENERATION_PROMPT = SpecialTokens.IM_START + "assistant\n";

	private final QwenTokenizer tokenizer;

	public ChatTemplate(QwenTokenizer tokenizer) {
		this.tokenizer = tokenizer;
	}

	/**
	 * Renders a conversation as text with one {@code <|image_pad|>} per image (not yet expanded).
	 * @param addGenerationPrompt end with {@code <|im_start|>assistant\n} so the model writes the next turn
	 * @throws IllegalArgumentException if a turn's {@code <image>} markers do not match its image count
	 */
	public static String render(List<ChatMessage> messages, boolean addGenerationPrompt) {
		StringBuilder out = new StringBuilder();
		if (messages.isEmpty() || messages.get(0).role() != ChatMessage.Role.SYSTEM) {
			appendTurn(out, "system", DEFAULT_SYSTEM_PROMPT);
		}
		for (ChatMessage message : messages) {
			appendTurn(out, message.role().label(), content(message));
		}
		if (addGenerationPrompt) {
			out.append(GENERATION_PROMPT);
		}
		return out.toString();
	}

	private static void appendTurn(StringBuilder out, String role, String content) {
		out.append(SpecialTokens.IM_START).append(role).append('\n');
		out.append(content).append(SpecialTokens.IM_END).append('\n');
	}

	private static String content(ChatMessage message) {
		String text = message.text();
		int markers = countMarkers(text);
		if (markers == 0) {
			return VISION_BLOCK.repeat(message.imageCount()) + text;
		}
		if (markers != message.imageCount()) {
			throw new IllegalArgumentException("a " + message.role().label() + " turn has " + markers + " "
					+ IMAGE_MARKER + " marker(s) but " + message.imageCount() + " image(s)");
		}
		return text.replace(IMAGE_MARKER, VISION_BLOCK);
	}

	private static int countMarkers(String text) {
		int count = 0;
		for (int i = text.indexOf(IMAGE_MARKER); i >= 0; i = text.indexOf(IMAGE_MARKER, i + IMAGE_MARKER.length())) {
			count++;
		}
		return count;
	}

	/**
	 * Tokenizes rendered text and expands the i-th {@code <|image_pad|>} to {@code tokensPerImage[i]} copies.
	 * @throws IllegalArgumentException if the text holds a different number of image pads than images given
	 */
	public long[] encode(String rendered, int[] tokensPerImage) {
		long[] ids = tokenizer.encode(rendered);
		long pad = tokenizer.specialTokens().imagePad();
		long pads = Arrays.stream(ids).filter((id) -> id == pad).count();
		if (pads != tokensPerImage.length) {
			throw new IllegalArgumentException("prompt has " + pads + " " + SpecialTokens.IMAGE_PAD + " token(s) but "
					+ tokensPerImage.length + " image(s) were given");
		}
		long extra = Arrays.stream(tokensPerImage).asLongStream().sum() - pads;
		long[] out = new long[Math.toIntExact(ids.length + extra)];
		int o = 0;
		int image = 0;
		for (long id : ids) {
			if (id == pad) {
				int n = tokensPerImage[image++];
				Arrays.fill(out, o, o + n, pad);
				o += n;
			}
			else {
				out[o++] = id;
			}
		}
		return out;
	}

	/** The prompt ids of a conversation (generation prompt added), image pads expanded. */
	public long[] prompt(List<ChatMessage> messages, int[] tokensPerImage) {
		return encode(render(messages, true), tokensPerImage);
	}

	/** The usual REC/VQA prompt: the default system turn, one user turn with these images and the question. */
	public long[] userPrompt(String question, ProcessedImages images) {
		return prompt(List.of(ChatMessage.user(question, images.tokensPerImage().length)), images.tokensPerImage());
	}

	/** Image pad counts from {@code image_grid_thw}: t·h·w / merge² per image. */
	public static int[] tokensPerImage(long[][] gridThw, int mergeSize) {
		int[] tokens = new int[gridThw.length];
		for (int i = 0; i < gridThw.length; i++) {
			long patches = gridThw[i][0] * gridThw[i][1] * gridThw[i][2];
			if (patches % ((long) mergeSize * mergeSize) != 0) {
				throw new IllegalArgumentException("grid " + Arrays.toString(gridThw[i]) + " is not divisible by merge "
						+ mergeSize + "x" + mergeSize);
			}
			tokens[i] = Math.toIntExact(patches / ((long) mergeSize * mergeSize));
		}
		return tokens;
	}

	/**
	 * Prompts of different lengths as one left-padded batch, the layout batched generation needs (the last column is
	 * every row's last prompt token).
	 * @param inputIds (B, T) row-major, {@code padId} on the left
	 * @param attentionMask (B, T): 0 on padding, 1 on tokens
	 * @param batch B
	 * @param length T, the longest prompt
	 */
	public record LeftPadded(long[] inputIds, long[] attentionMask, int batch, int length) {
	}

	/** Left-pads prompts to the longest one with {@code padId} ({@code <|endoftext|>} for Qwen). */
	public static LeftPadded leftPad(List<long[]> prompts, long padId) {
		int length = prompts.stream().mapToInt((p) -> p.length).max().orElse(0);
		List<long[]> rows = new ArrayList<>(prompts);
		long[] ids = new long[rows.size() * length];
		long[] mask = new long[rows.size() * length];
		for (int b = 0; b < rows.size(); b++) {
			long[] row = rows.get(b);
			int start = b * length + length - row.length;
			Arrays.fill(ids, b * length, start, padId);
			System.arraycopy(row, 0, ids, start, row.length);
			Arrays.fill(mask, start, (b + 1) * length, 1L);
		}
		return new LeftPadded(ids, mask, rows.size(), length);
	}

}

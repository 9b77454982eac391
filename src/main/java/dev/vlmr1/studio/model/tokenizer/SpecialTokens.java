package dev.vlmr1.studio.model.tokenizer;

/**
 * Ids of the Qwen special tokens the chat template, the image scatter and generation need, as one tokenizer defines
 * them (151643… in the released checkpoints, 553… in the fixtures: never hard-code them).
 *
 * @param pad {@code <|endoftext|>}: padding, and BOS in generation_config
 * @param imStart {@code <|im_start|>}
 * @param imEnd {@code <|im_end|>}: end of a turn, the EOS of chat models
 * @param visionStart {@code <|vision_start|>}
 * @param visionEnd {@code <|vision_end|>}
 * @param imagePad {@code <|image_pad|>}: one per merged image token, replaced by vision features
 * @param videoPad {@code <|video_pad|>}
 */
public record SpecialTokens(long pad, long imStart, long imEnd, long visionStart, long visionEnd, long imagePad,
		long videoPad) {

	public static final String PAD = "<|endoftext|>";

	public static final String IM_START = "<|im_start|>";

	public static final String IM_END = "<|im_end|>";

	public static final String VISION_START = "<|vision_start|>";

	public static final String VISION_END = "<|vision_end|>";

	public static final String IMAGE_PAD = "<|image_pad|>";

	public static final String VIDEO_PAD = "<|video_pad|>";

	/** Whether {@code id} is one of these tokens. */
	public boolean contains(long id) {
		return id == pad || id == imStart || id == imEnd || id == visionStart || id == visionEnd || id == imagePad
				|| id == videoPad;
	}

}

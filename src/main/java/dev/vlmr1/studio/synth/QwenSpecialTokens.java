package dev.vlmr1.studio.synth;

import java.util.List;

/**
 * The 14 special tokens of the Qwen2 / Qwen2.5-VL tokenizers, in the order of their ids (151643… in the released
 * checkpoints): added tokens after the BPE vocabulary, matched in text before any normalisation or splitting.
 */
public final class QwenSpecialTokens {

	public static final String END_OF_TEXT = "<|endoftext|>";

	public static final String IM_START = "<|im_start|>";

	public static final String IM_END = "<|im_end|>";

	public static final String VISION_START = "<|vision_start|>";

	public static final String VISION_END = "<|vision_end|>";

	public static final String IMAGE_PAD = "<|image_pad|>";

	public static final String VIDEO_PAD = "<|video_pad|>";

	/** All of them, in id order. */
	public static final List<String> ALL = List.of(END_OF_TEXT, IM_START, IM_END, "<|object_ref_start|>",
			"<|object_ref_end|>", "<|box_start|>", "<|box_end|>", "<|quad_start|>", "<|quad_end|>", VISION_START,
			VISION_END, "<|vision_pad|>", IMAGE_PAD, VIDEO_PAD);

	private QwenSpecialTokens() {
	}

}

package dev.vlmr1.studio.model;

import java.util.Locale;

import ai.djl.ndarray.types.DataType;

/**
 * The precision a model's frozen base weights are held in: transformers' / VLM-R1's {@code torch_dtype}. Only the
 * matrices are stored in it (linear layers, embeddings, the patch embedding); norms, biases and LoRA adapters stay
 * float32, and so does every activation between layers (see {@link HalfLinear}).
 *
 * <p>{@code bfloat16} is refused: DJL 0.36's PyTorch engine aborts the JVM (SIGABRT, exit 134, not an exception a
 * worker could catch) when it creates, casts to or decodes a bfloat16 array. float16 works on the CPU and halves the
 * base's memory.
 */
public enum TorchDtype {

	/** Every weight in float32 (the default; needed to train the whole model). */
	FLOAT32(DataType.FLOAT32, 4),
	/** The frozen base's matrices in IEEE half precision. */
	FLOAT16(DataType.FLOAT16, 2);

	/** Why bfloat16 is refused, for every place that refuses it. */
	public static final String BFLOAT16_REFUSED = "bfloat16 is not supported: DJL 0.36's PyTorch engine aborts the "
			+ "whole JVM when it creates or casts a bfloat16 array; use float16 (a frozen base with LoRA) or float32";

	private final DataType dataType;

	private final int bytes;

	TorchDtype(DataType dataType, int bytes) {
		this.dataType = dataType;
		this.bytes = bytes;
	}

	/**
	 * Parses transformers' spelling ({@code float32}, {@code float16}; {@code fp16}, {@code half} too).
	 * @throws IllegalArgumentException for bfloat16 (with the reason) and anything else
	 */
	public static TorchDtype parse(String value) {
		String v = value.trim().toLowerCase(Locale.ROOT).replace("torch.", "");
		return switch (v) {
			case "float32", "fp32", "float" -> FLOAT32;
			case "float16", "fp16", "half" -> FLOAT16;
			case "bfloat16", "bf16" -> throw new IllegalArgumentException(BFLOAT16_REFUSED);
			default -> throw new IllegalArgumentException("torch_dtype must be float32 or float16, not " + value);
		};
	}

	/** transformers' spelling. */
	public String id() {
		return name().toLowerCase(Locale.ROOT);
	}

	public DataType dataType() {
		return dataType;
	}

	/** Bytes per stored element. */
	public int bytes() {
		return bytes;
	}

}

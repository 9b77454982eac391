package dev.vlmr1.studio.model;

import java.util.Random;

/**
 * Initial values for a new model, decided from each parameter's name as transformers' {@code _init_weights} does for
 * Qwen2.5-VL: weight matrices, convolutions and embeddings from N(0, std²) (std = {@code initializer_range}, 0.02),
 * normalisation weights one, biases zero.
 *
 * <p>Each tensor draws from its own generator seeded by the model seed and the tensor's name, so a tensor's values
 * do not depend on the order in which the model loads its parameters.
 */
public final class RandomInit implements TensorSource {

	private final long seed;

	private final double std;

	/** @param std standard deviation of the normal weights ({@code initializer_range}) */
	public RandomInit(long seed, double std) {
		if (!(std > 0)) {
			throw new IllegalArgumentException("std must be positive, got " + std);
		}
		this.seed = seed;
		this.std = std;
	}

	/** transformers' default {@code initializer_range} of 0.02. */
	public RandomInit(long seed) {
		this(seed, 0.02);
	}

	/** How a parameter starts. */
	enum Kind {

		NORMAL, ONES, ZEROS

	}

	static Kind kind(String name) {
		if (name.endsWith(".bias")) {
			return Kind.ZEROS;
		}
		String module = name.substring(0, Math.max(0, name.lastIndexOf('.')));
		String last = module.substring(module.lastIndexOf('.') + 1);
		// RMSNorm/LayerNorm weights: input_layernorm, post_attention_layernorm, model.norm, norm1/norm2, merger.ln_q
		if (last.endsWith("norm") || last.equals("norm1") || last.equals("norm2") || last.equals("ln_q")) {
			return Kind.ONES;
		}
		return Kind.NORMAL;
	}

	@Override
	public float[] floats(String name, long... shape) {
		long size = 1;
		for (long dim : shape) {
			if (dim < 0) {
				throw new IllegalArgumentException(name + ": negative dimension");
			}
			size *= dim;
		}
		float[] values = new float[Math.toIntExact(size)];
		switch (kind(name)) {
			case ONES -> java.util.Arrays.fill(values, 1f);
			case ZEROS -> {
				// new float[] is already zero
			}
			case NORMAL -> {
				// String.hashCode is specified by the JLS, so the stream is the same on every JVM
				Random random = new Random(seed * 0x9E3779B97F4A7C15L + name.hashCode());
				for (int i = 0; i < values.length; i++) {
					values[i] = (float) (random.nextGaussian() * std);
				}
			}
		}
		return values;
	}

}

package dev.vlmr1.studio.train;

import java.util.Random;

import dev.vlmr1.studio.model.TensorSource;

/**
 * Fresh weights for a new model (benchmarks, synthetic experiments), like transformers' {@code _init_weights}:
 * normal(0, std) for matrices and embeddings, ones for norm scales, zeros for biases. Each tensor's values depend
 * only on the seed and the tensor's name, so any load order gives the same model.
 */
public final class SeededInitializer implements TensorSource {

	private final long seed;

	private final double std;

	public SeededInitializer(long seed, double std) {
		this.seed = seed;
		this.std = std;
	}

	@Override
	public float[] floats(String name, long... shape) {
		long count = 1;
		for (long d : shape) {
			count *= d;
		}
		float[] values = new float[Math.toIntExact(count)];
		if (name.endsWith(".bias")) {
			return values;
		}
		if (isNormScale(name)) {
			java.util.Arrays.fill(values, 1f);
			return values;
		}
		Random random = new Random(seed ^ name.hashCode() * 0x9E3779B97F4A7C15L);
		for (int i = 0; i < values.length; i++) {
			values[i] = (float) (random.nextGaussian() * std);
		}
		return values;
	}

	private static boolean isNormScale(String name) {
		return name.endsWith("norm.weight") || name.endsWith("norm1.weight") || name.endsWith("norm2.weight")
				|| name.endsWith("ln_q.weight") || name.endsWith("layernorm.weight");
	}

}

package dev.vlmr1.studio.model;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import dev.vlmr1.studio.model.safetensors.HalfFloats;

/** Where initial parameter values come from: a checkpoint ({@link Weights}) or an initialiser for a new model. */
@FunctionalInterface
public interface TensorSource {

	/** The tensor named {@code name} (released naming), as float32 of exactly {@code shape}. */
	float[] floats(String name, long... shape);

	/**
	 * The tensor as IEEE half precision (2 bytes an element, little-endian, in a direct buffer), for a base held in
	 * float16. This default narrows {@link #floats}; a checkpoint narrows element by element instead, so a tensor is
	 * never whole in float32 on the way.
	 */
	default ByteBuffer halfs(String name, long... shape) {
		float[] values = floats(name, shape);
		ByteBuffer out = ByteBuffer.allocateDirect(Math.multiplyExact(values.length, 2)).order(ByteOrder.LITTLE_ENDIAN);
		for (int i = 0; i < values.length; i++) {
			out.putShort(2 * i, HalfFloats.toHalf(values[i]));
		}
		return out;
	}

}

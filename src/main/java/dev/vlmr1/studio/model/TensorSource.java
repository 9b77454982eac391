package dev.vlmr1.studio.model;

/** Where initial parameter values come from: a checkpoint ({@link Weights}) or an initialiser for a new model. */
@FunctionalInterface
public interface TensorSource {

	/** The tensor named {@code name} (released naming), as float32 of exactly {@code shape}. */
	float[] floats(String name, long... shape);

}

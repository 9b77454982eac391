package dev.vlmr1.studio.model;

import ai.djl.ndarray.NDArray;

/**
 * Scalars for arithmetic that autograd must differentiate through.
 *
 * <p>DJL's {@code mul(Number)}, {@code div(Number)} and {@code pow(Number)} wrap the number in a temporary array
 * backed by a Java direct buffer and close it at once, but libtorch's autograd keeps that tensor for the backward
 * pass: once the JVM collects the buffer, gradients read freed memory (measured: garbage or NaN gradients whenever a
 * GC runs between forward and backward). A scalar made here is attached to the operand's manager, so it lives until
 * that manager closes — after the backward pass.
 */
public final class Scalars {

	private Scalars() {
	}

	/** A float32 scalar on {@code like}'s manager. */
	public static NDArray of(NDArray like, double value) {
		return like.getManager().create((float) value);
	}

}

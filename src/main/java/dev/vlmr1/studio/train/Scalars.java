package dev.vlmr1.studio.train;

import ai.djl.ndarray.NDArray;

/**
 * Scalars for differentiable arithmetic. DJL's {@code mul(Number)} / {@code div(Number)} wrap the number in a
 * temporary array backed by a Java direct buffer and close it at once; autograd keeps a reference to that memory for
 * the backward pass, and once the JVM collects the buffer the gradient reads freed memory (measured: garbage or NaN
 * gradients whenever a GC runs between forward and backward). An array made here stays attached to the operand's
 * manager, so its memory lives until that manager closes, after the backward pass.
 */
final class Scalars {

	private Scalars() {
	}

	/** A float32 scalar on {@code like}'s manager. */
	static NDArray of(NDArray like, double value) {
		return like.getManager().create((float) value);
	}

}

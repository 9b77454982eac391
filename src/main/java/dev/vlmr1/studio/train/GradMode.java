package dev.vlmr1.studio.train;

import ai.djl.pytorch.jni.JniUtils;

/**
 * PyTorch's autograd switch, which is per thread: a thread DJL did not initialise starts with gradients ON, so
 * rollouts and optimizer updates run inside {@code try (var off = GradMode.disabled())} whatever thread they are on
 * (in-place updates of parameters that require grad throw while grad mode is on).
 */
public final class GradMode implements AutoCloseable {

	private final boolean previous;

	private GradMode(boolean enabled) {
		this.previous = JniUtils.isGradMode();
		JniUtils.setGradMode(enabled);
	}

	/** Turns autograd off on this thread until {@link #close()} restores the previous mode. */
	public static GradMode disabled() {
		return new GradMode(false);
	}

	@Override
	public void close() {
		JniUtils.setGradMode(previous);
	}

}

package dev.vlmr1.studio.train;

import java.util.Collection;

import ai.djl.ndarray.NDArray;

/**
 * Global L2-norm gradient clipping ({@code torch.nn.utils.clip_grad_norm_}), which DJL's {@code optClipGrad} is not
 * (that clamps each element). The norm is taken over all gradients together; when it exceeds {@code maxNorm}, every
 * gradient is scaled in place by maxNorm / (norm + 1e-6).
 */
public final class GradClip {

	private GradClip() {
	}

	/**
	 * @param grads every gradient of the step (the parameters' attached gradient arrays)
	 * @param maxNorm the largest allowed global norm (> 0); {@code Double.POSITIVE_INFINITY} only measures
	 * @return the global norm before clipping (TRL logs it as {@code grad_norm})
	 */
	public static double clipGlobalNorm(Collection<NDArray> grads, double maxNorm) {
		if (!(maxNorm > 0)) {
			throw new IllegalArgumentException("max norm must be > 0, was " + maxNorm);
		}
		double squares = 0;
		try (var off = GradMode.disabled()) {
			for (NDArray g : grads) {
				// per-tensor norm in float32, as torch does, then combined in double
				try (NDArray norm = g.norm()) {
					double n = norm.getFloat();
					squares += n * n;
				}
			}
			double total = Math.sqrt(squares);
			if (total > maxNorm) {
				double scale = maxNorm / (total + 1e-6);
				for (NDArray g : grads) {
					g.muli((float) scale);
				}
			}
			return total;
		}
	}

}

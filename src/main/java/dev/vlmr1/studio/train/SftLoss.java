package dev.vlmr1.studio.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;

/**
 * Supervised fine-tuning loss: mean cross-entropy over the answer tokens (transformers' {@code ForCausalLMLoss}).
 *
 * <p>Labels are the input ids with {@value #IGNORE} on every position that is not trained (the prompt, padding);
 * the logit at position t predicts label t + 1. The mean is over the unignored labels of the batch. Differentiable
 * in the logits.
 */
public final class SftLoss {

	/** The label that excludes a position from the loss, as PyTorch's {@code ignore_index}. */
	public static final long IGNORE = -100;

	private SftLoss() {
	}

	/**
	 * @param logits [B, S, V]
	 * @param labels [B, S] int64, {@value #IGNORE} where not trained
	 * @return scalar mean cross-entropy
	 */
	public static NDArray compute(NDArray logits, NDArray labels) {
		if (logits.getShape().dimension() != 3 || labels.getShape().dimension() != 2
				|| logits.getShape().get(0) != labels.getShape().get(0)
				|| logits.getShape().get(1) != labels.getShape().get(1)) {
			throw new IllegalArgumentException("logits " + logits.getShape() + " do not match labels " + labels.getShape());
		}
		long seq = labels.getShape().get(1);
		// [B, S-1, V] predict [B, S-1]
		NDArray predicting = logits.get(new NDIndex(":, :{}, :", seq - 1));
		NDArray targets = labels.get(new NDIndex(":, 1:")).toType(DataType.INT64, false);
		NDArray trained = targets.neq(IGNORE);
		float count = trained.toType(DataType.FLOAT32, false).sum().getFloat();
		if (count == 0) {
			throw new IllegalArgumentException("every label is ignored: nothing to train on");
		}
		// ignored positions gather column 0 and are then zeroed by the mask
		NDArray safeTargets = targets.mul(trained.toType(DataType.INT64, false)).expandDims(-1);
		NDArray logps = predicting.logSoftmax(-1).gather(safeTargets, 2).squeeze(-1);
		return logps.mul(trained.toType(logps.getDataType(), false)).sum().neg().div(Scalars.of(logps, count));
	}

}

package dev.vlmr1.studio.train;

import ai.djl.ndarray.NDArray;
import org.jspecify.annotations.Nullable;

import dev.vlmr1.studio.model.ModelInputs;

/**
 * One micro-batch of a GRPO step after rollout and scoring: prompt + completion ids, masks, images and advantages.
 *
 * @param inputIds [B, S] int64: left-padded prompt (P tokens) then right-padded completion (T tokens)
 * @param attentionMask [B, S] prompt attention ++ completion mask
 * @param pixelValues [patches, 1176] all images of the batch in row order, or null
 * @param imageGridThw [images, 3], or null without images
 * @param completionMask [B, T] float, 1 up to and including the first EOS
 * @param advantages [B] float, one per completion
 */
public record GrpoBatch(NDArray inputIds, NDArray attentionMask, @Nullable NDArray pixelValues,
		long @Nullable [][] imageGridThw, NDArray completionMask, NDArray advantages) {

	public GrpoBatch {
		long batch = inputIds.getShape().get(0);
		if (!attentionMask.getShape().equals(inputIds.getShape()) || completionMask.getShape().get(0) != batch
				|| advantages.getShape().get(0) != batch) {
			throw new IllegalArgumentException("GRPO batch shapes disagree: ids " + inputIds.getShape() + ", mask "
					+ attentionMask.getShape() + ", completion mask " + completionMask.getShape() + ", advantages "
					+ advantages.getShape());
		}
		if (completionMask.getShape().get(1) >= inputIds.getShape().get(1)) {
			throw new IllegalArgumentException("completion longer than the sequence");
		}
		if ((pixelValues == null) != (imageGridThw == null)) {
			throw new IllegalArgumentException("pixel values and image_grid_thw come together");
		}
	}

	/** T, the completion length. */
	public int completionLength() {
		return (int) completionMask.getShape().get(1);
	}

	/** The model inputs of the whole sequences. */
	public ModelInputs modelInputs() {
		ModelInputs inputs = ModelInputs.of(inputIds).withAttentionMask(attentionMask);
		return pixelValues == null ? inputs : inputs.withImages(pixelValues, imageGridThw);
	}

}

package dev.vlmr1.studio.model;

import ai.djl.ndarray.NDArray;
import org.jspecify.annotations.Nullable;

/**
 * What one forward pass of {@link QwenVlModel} reads. Build with {@link #of} and the {@code with*} methods.
 *
 * <p>Legend: B batch, T tokens, P patches, N image tokens (after merging), C text hidden size.
 *
 * @param inputIds (B, T) int64, {@code <|image_pad|>} already expanded to one token per merged patch
 * @param attentionMask (B, T) 1 for real tokens, 0 for (left) padding; null when nothing is padded
 * @param pixelValues (P, 1176) float32 flattened patches of all images, in order; null without images
 * @param imageGridThw (images, 3) patch grid of each image; required with pixel values or image embeds
 * @param imageEmbeds (N, C) ready-made image features (skips the vision tower); null to run it
 * @param outputHiddenStates whether to return transformers' {@code hidden_states}
 * @param logitsToKeep 0 for logits at every position, k for the last k only (decoding needs 1)
 */
public record ModelInputs(NDArray inputIds, @Nullable NDArray attentionMask, @Nullable NDArray pixelValues,
		long @Nullable [][] imageGridThw, @Nullable NDArray imageEmbeds, boolean outputHiddenStates,
		int logitsToKeep) {

	/** Token ids only: no padding, no images, all logits. */
	public static ModelInputs of(NDArray inputIds) {
		return new ModelInputs(inputIds, null, null, null, null, false, 0);
	}

	public ModelInputs withAttentionMask(@Nullable NDArray mask) {
		return new ModelInputs(inputIds, mask, pixelValues, imageGridThw, imageEmbeds, outputHiddenStates,
				logitsToKeep);
	}

	/** Images as pixel patches, encoded by the vision tower. */
	public ModelInputs withImages(NDArray pixels, long[][] gridThw) {
		return new ModelInputs(inputIds, attentionMask, pixels, gridThw, imageEmbeds, outputHiddenStates,
				logitsToKeep);
	}

	/** Images as ready-made features (the vision tower's output), e.g. to test or cache the vision side. */
	public ModelInputs withImageEmbeds(NDArray embeds, long[][] gridThw) {
		return new ModelInputs(inputIds, attentionMask, pixelValues, gridThw, embeds, outputHiddenStates,
				logitsToKeep);
	}

	public ModelInputs withHiddenStates() {
		return new ModelInputs(inputIds, attentionMask, pixelValues, imageGridThw, imageEmbeds, true, logitsToKeep);
	}

	public ModelInputs withLogitsToKeep(int last) {
		return new ModelInputs(inputIds, attentionMask, pixelValues, imageGridThw, imageEmbeds, outputHiddenStates,
				last);
	}

}

package dev.vlmr1.studio.model;

import java.util.List;

import ai.djl.ndarray.NDArray;
import org.jspecify.annotations.Nullable;

/**
 * What one forward pass of {@link QwenVlModel} returns; all arrays live on the inputs' manager.
 *
 * <p>Legend: B batch, T tokens, K kept positions (T, or {@code logitsToKeep}), V vocabulary, C hidden size, N image
 * tokens.
 *
 * @param logits (B, K, V) float32
 * @param hiddenStates empty unless asked for: (B, T, C) embeddings after the image scatter, the output of each
 * decoder layer but the last, and the last layer's output after the final norm
 * @param positionIds (3, B, T) int64 M-RoPE positions
 * @param ropeDeltas (B, 1) int64
 * @param imageEmbeds (N, C) the image features scattered into the {@code <|image_pad|>} positions; null without
 * images
 */
public record ModelOutput(NDArray logits, List<NDArray> hiddenStates, NDArray positionIds, NDArray ropeDeltas,
		@Nullable NDArray imageEmbeds) {
}

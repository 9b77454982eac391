package dev.vlmr1.studio.model.vision;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The attention segments of a batch of images, computed in Java before the forward pass. Mirrors
 * {@code Qwen2_5_VisionTransformerPretrainedModel.get_window_index} and the {@code cu_seqlens} of its forward.
 *
 * <p>Qwen2.5-VL cuts each frame's grid of merged tokens into windows of {@code window_size / merge / patch} merged
 * tokens per side (the last row and column of windows are partial: transformers pads them with −100 and drops the
 * padding) and reorders the merged tokens so each window is contiguous. Windowed blocks then attend within windows,
 * full-attention blocks within each frame of each image. Without windows (Qwen2-VL, or {@code windowSize == 0}) the
 * order is the identity and both segmentations are per frame.
 *
 * @param windowIndex for each position in window order, the merged token it holds (P/4); null when identity
 * @param frameBounds cu_seqlens over patches: 0, then the cumulative h·w of each frame of each image
 * @param windowBounds cu_window_seqlens over patches, empty windows removed ({@code unique_consecutive})
 */
record WindowIndex(int[] windowIndex, int[] frameBounds, int[] windowBounds) {

	static WindowIndex of(long[][] gridThw, int mergeSize, int patchSize, int windowSize) {
		int mergeUnit = mergeSize * mergeSize;
		List<Integer> frames = new ArrayList<>(List.of(0));
		for (long[] thw : gridThw) {
			for (int t = 0; t < thw[0]; t++) {
				frames.add(frames.get(frames.size() - 1) + (int) (thw[1] * thw[2]));
			}
		}
		int[] frameBounds = frames.stream().mapToInt(Integer::intValue).toArray();
		int side = windowSize / mergeSize / patchSize; // merged tokens per window side
		if (side <= 0) {
			int merged = frameBounds[frameBounds.length - 1] / mergeUnit;
			int[] identity = new int[merged];
			Arrays.setAll(identity, (i) -> i);
			return new WindowIndex(identity, frameBounds, frameBounds);
		}
		List<Integer> order = new ArrayList<>();
		List<Integer> windows = new ArrayList<>(List.of(0));
		int offset = 0;
		for (long[] thw : gridThw) {
			int rows = (int) thw[1] / mergeSize;
			int cols = (int) thw[2] / mergeSize;
			// transformers pads by (side − n % side), a whole empty window when n divides evenly; empty windows
			// vanish in unique_consecutive, so ceil(n / side) windows per axis is the same segmentation.
			int windowRows = (rows + side - 1) / side;
			int windowCols = (cols + side - 1) / side;
			for (int t = 0; t < thw[0]; t++) {
				for (int wr = 0; wr < windowRows; wr++) {
					for (int wc = 0; wc < windowCols; wc++) {
						int count = 0;
						for (int r = wr * side; r < Math.min(rows, (wr + 1) * side); r++) {
							for (int c = wc * side; c < Math.min(cols, (wc + 1) * side); c++) {
								order.add(offset + (t * rows + r) * cols + c);
								count++;
							}
						}
						if (count > 0) {
							windows.add(windows.get(windows.size() - 1) + count * mergeUnit);
						}
					}
				}
			}
			offset += (int) thw[0] * rows * cols;
		}
		return new WindowIndex(order.stream().mapToInt(Integer::intValue).toArray(), frameBounds,
				windows.stream().mapToInt(Integer::intValue).toArray());
	}

	boolean isIdentity() {
		for (int i = 0; i < windowIndex.length; i++) {
			if (windowIndex[i] != i) {
				return false;
			}
		}
		return true;
	}

	/** For each patch position in window order, the patch (row of {@code pixel_values}) it holds (P). */
	long[] patchOrder(int mergeUnit) {
		long[] patches = new long[windowIndex.length * mergeUnit];
		for (int i = 0; i < patches.length; i++) {
			patches[i] = (long) windowIndex[i / mergeUnit] * mergeUnit + i % mergeUnit;
		}
		return patches;
	}

	/** The inverse permutation ({@code argsort(window_index)}): merged token i is at position restore[i]. */
	long[] restoreOrder() {
		long[] restore = new long[windowIndex.length];
		for (int position = 0; position < windowIndex.length; position++) {
			restore[windowIndex[position]] = position;
		}
		return restore;
	}

}

package dev.vlmr1.studio.model.vision;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;

import dev.vlmr1.studio.model.Parameters;
import dev.vlmr1.studio.model.Temporaries;
import dev.vlmr1.studio.model.VisionConfig;

/**
 * The vision tower: flattened patches in, one embedding per merged 2×2 block out, ready to be scattered into the
 * {@code <|image_pad|>} positions. Mirrors {@code Qwen2_5_VisionTransformerPretrainedModel.forward} and
 * {@code Qwen2VisionTransformerPretrainedModel.forward}. Legend: P patches (Σ t·h·w), C width, D head dim, O text
 * hidden size.
 *
 * <p>Everything that depends only on the grids (window order, segment bounds, rotary tables) is computed in Java up
 * front; the forward pass itself is made of differentiable NDArray operations, and every temporary lives on the
 * manager of {@code pixelValues}, so a caller's sub-manager or {@code NDScope} frees it.
 */
public final class VisionTransformer {

	private final VisionConfig config;

	private final PatchEmbed patchEmbed;

	private final VisionRotaryEmbedding rotaryPosEmb;

	private final List<VisionBlock> blocks;

	private final PatchMerger merger;

	private VisionTransformer(VisionConfig config, PatchEmbed patchEmbed, List<VisionBlock> blocks,
			PatchMerger merger) {
		this.config = config;
		this.patchEmbed = patchEmbed;
		this.rotaryPosEmb = new VisionRotaryEmbedding(config.headDim(), config.ropeTheta());
		this.blocks = blocks;
		this.merger = merger;
	}

	/**
	 * Loads every {@code visual.*} tensor through {@code params}, under its released name, with shapes checked
	 * against {@code config}.
	 */
	public static VisionTransformer load(VisionConfig config, Parameters params) {
		PatchEmbed patchEmbed = PatchEmbed.load(config, params);
		List<VisionBlock> blocks = new ArrayList<>();
		for (int i = 0; i < config.depth(); i++) {
			blocks.add(VisionBlock.load(config, params, i));
		}
		return new VisionTransformer(config, patchEmbed, List.copyOf(blocks), PatchMerger.load(config, params));
	}

	/**
	 * Image embeddings for a batch of images.
	 * @param pixelValues flattened patches of all images, (P, 1176), in the image processor's order
	 * @param gridThw (t, h, w) in patches for each image; Σ t·h·w = P, h and w multiples of the merge size
	 * @return (P / merge², O), the merged tokens of each image in image order
	 */
	public NDArray forward(NDArray pixelValues, long[][] gridThw) {
		checkInputs(pixelValues, gridThw);
		NDManager manager = pixelValues.getManager();
		int mergeUnit = config.spatialMergeSize() * config.spatialMergeSize();
		WindowIndex windows = WindowIndex.of(gridThw, config.spatialMergeSize(), config.patchSize(),
				config.windowSize());
		boolean reordered = !windows.isIdentity();
		int[][] positions = VisionRotaryEmbedding.positionIds(gridThw, config.spatialMergeSize()); // (P, 2)
		NDArray x = pixelValues; // (P, 1176)
		if (reordered) {
			// the patch embedding works row by row, so reordering its input is the same as transformers'
			// reordering of its output; the rotary rows follow the same permutation
			long[] order = windows.patchOrder(mergeUnit);
			x = x.get(manager.create(order)); // (P, 1176), each window contiguous
			int[][] permuted = new int[positions.length][];
			for (int i = 0; i < order.length; i++) {
				permuted[i] = positions[(int) order[i]];
			}
			positions = permuted;
		}
		NDList cosSin = rotaryPosEmb.cosSin(manager, positions); // 2 × (P, D)
		x = patchEmbed.forward(x); // (P, C)
		for (int i = 0; i < blocks.size(); i++) {
			int[] bounds = config.isFullAttention(i) ? windows.frameBounds() : windows.windowBounds();
			VisionBlock block = blocks.get(i);
			NDArray input = x;
			x = Temporaries.freeAllBut(() -> block.forward(input, cosSin.get(0), cosSin.get(1), bounds)); // (P, C)
		}
		x = merger.forward(x); // (P/4, O)
		return reordered ? x.get(manager.create(windows.restoreOrder())) : x; // (P/4, O) in image order
	}

	/** The settings this tower was built from. */
	public VisionConfig config() {
		return config;
	}

	private void checkInputs(NDArray pixelValues, long[][] gridThw) {
		var shape = pixelValues.getShape();
		if (shape.dimension() != 2 || shape.get(1) != config.patchDim()) {
			throw new IllegalArgumentException(
					"pixel_values must be (patches, " + config.patchDim() + "), got " + shape);
		}
		if (gridThw.length == 0) {
			throw new IllegalArgumentException("image_grid_thw is empty: no image to encode");
		}
		long total = 0;
		int merge = config.spatialMergeSize();
		for (long[] thw : gridThw) {
			if (thw.length != 3 || thw[0] <= 0 || thw[1] <= 0 || thw[2] <= 0 || thw[1] % merge != 0
					|| thw[2] % merge != 0) {
				throw new IllegalArgumentException("image_grid_thw row " + Arrays.toString(thw)
						+ " must be (t, h, w) > 0 with h and w multiples of " + merge);
			}
			total += thw[0] * thw[1] * thw[2];
		}
		if (total != shape.get(0)) {
			throw new IllegalArgumentException(
					"image_grid_thw covers " + total + " patches but pixel_values has " + shape.get(0));
		}
	}

}

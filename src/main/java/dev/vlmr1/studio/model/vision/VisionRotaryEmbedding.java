package dev.vlmr1.studio.model.vision;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Mirrors {@code Qwen2_5_VisionRotaryEmbedding} together with {@code rot_pos_emb} and
 * {@code apply_rotary_pos_emb_vision}: a 2D rotary embedding where the first half of the rotated frequencies comes
 * from a patch's row and the second half from its column. Legend: P patches, H heads, D head dim.
 *
 * <p>The angle tables depend only on the grids, so they are built in Java (float32, like transformers) and become
 * constant NDArrays; only the rotation itself runs as NDArray operations, in float32.
 */
final class VisionRotaryEmbedding {

	private final float[] invFreq; // (D/4): 1 / θ^(2j / (D/2))

	private final int headDim;

	VisionRotaryEmbedding(int headDim, double theta) {
		if (headDim % 4 != 0) {
			throw new IllegalArgumentException("vision head dim must be a multiple of 4, got " + headDim);
		}
		this.headDim = headDim;
		int dim = headDim / 2;
		this.invFreq = new float[dim / 2];
		for (int j = 0; j < invFreq.length; j++) {
			float exponent = (float) (2 * j) / dim;
			invFreq[j] = (float) (1.0 / Math.pow(theta, exponent));
		}
	}

	/**
	 * The (row, column) of every patch in the processor's patch order: for each image and frame, merge blocks in
	 * row-major order and the patches of a block row-major inside it. Mirrors the {@code pos_ids} of
	 * {@code rot_pos_emb}. Returns (P, 2).
	 */
	static int[][] positionIds(long[][] gridThw, int mergeSize) {
		int total = 0;
		for (long[] thw : gridThw) {
			total += (int) (thw[0] * thw[1] * thw[2]);
		}
		int[][] positions = new int[total][];
		int next = 0;
		for (long[] thw : gridThw) {
			int blockRows = (int) thw[1] / mergeSize;
			int blockCols = (int) thw[2] / mergeSize;
			for (int t = 0; t < thw[0]; t++) {
				for (int br = 0; br < blockRows; br++) {
					for (int bc = 0; bc < blockCols; bc++) {
						for (int r = 0; r < mergeSize; r++) {
							for (int c = 0; c < mergeSize; c++) {
								positions[next++] = new int[] { br * mergeSize + r, bc * mergeSize + c };
							}
						}
					}
				}
			}
		}
		return positions;
	}

	/**
	 * cos and sin of the angles for patches at {@code positions} (P, 2), each (P, D): per patch the row angles
	 * (D/4), the column angles (D/4), and the same again ({@code cat(freqs, freqs)}).
	 */
	NDList cosSin(NDManager manager, int[][] positions) {
		int quarter = invFreq.length;
		float[] cos = new float[positions.length * headDim];
		float[] sin = new float[cos.length];
		for (int p = 0; p < positions.length; p++) {
			for (int axis = 0; axis < 2; axis++) {
				for (int j = 0; j < quarter; j++) {
					float angle = positions[p][axis] * invFreq[j]; // float32 product, as torch.outer
					int at = p * headDim + axis * quarter + j;
					cos[at] = (float) Math.cos(angle);
					sin[at] = (float) Math.sin(angle);
					cos[at + headDim / 2] = cos[at];
					sin[at + headDim / 2] = sin[at];
				}
			}
		}
		Shape shape = new Shape(positions.length, headDim);
		return new NDList(manager.create(cos, shape), manager.create(sin, shape));
	}

	/** x·cos + rotate_half(x)·sin for x (H, P, D) and tables (P, D); rotate_half(x) = cat(−x₂, x₁). */
	static NDArray apply(NDArray x, NDArray cos, NDArray sin) {
		int last = x.getShape().dimension() - 1; // DJL's split wants a non-negative axis
		NDList halves = x.split(2, last); // 2 × (H, P, D/2)
		NDArray rotated = NDArrays.concat(new NDList(halves.get(1).neg(), halves.get(0)), last); // (H, P, D)
		return x.mul(cos).add(rotated.mul(sin)); // (H, P, D)
	}

}

package dev.vlmr1.studio.model.text;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import dev.vlmr1.studio.model.TextConfig;

/**
 * Multimodal rotary position embedding. Mirrors {@code Qwen2_5_VLRotaryEmbedding} and
 * {@code apply_multimodal_rotary_pos_emb}: the head dims are split in sections {@code mrope_section · 2}
 * ([t, h, w, t, h, w]) and each section takes its angle from its axis' position.
 *
 * <p>Legend: B batch, T tokens, H heads, D head dim.
 */
public final class MRope {

	/** (3, D): frequency of dim d on the row of the axis it reads, 0 on the others. */
	private final float[] axisFrequencies;

	private final int headDim;

	public MRope(TextConfig config) {
		this.headDim = config.headDim();
		int half = headDim / 2;
		int[] section = config.mropeSection();
		axisFrequencies = new float[3 * headDim];
		for (int d = 0; d < headDim; d++) {
			int i = d % half;
			// float32 as transformers computes inv_freq: 1 / θ^(2i / D)
			float exponent = (float) (2 * i) / (float) headDim;
			float invFreq = 1f / (float) Math.pow(config.ropeTheta(), exponent);
			int axis = i < section[0] ? 0 : i < section[0] + section[1] ? 1 : 2;
			axisFrequencies[axis * headDim + d] = invFreq;
		}
	}

	/**
	 * The rotation of every token.
	 * @param positionIds (3, B, T) int64
	 * @return [cos, sin], each (B, 1, T, D) float32
	 */
	public NDList cosSin(NDArray positionIds) {
		NDManager manager = positionIds.getManager();
		NDArray positions = positionIds.transpose(1, 2, 0).toType(DataType.FLOAT32, false); // (B, T, 3)
		NDArray frequencies = manager.create(axisFrequencies, new Shape(3, headDim)); // (3, D)
		// one non-zero term per dot product, so each angle is exactly fl(position · inv_freq) as in transformers
		NDArray angles = positions.matMul(frequencies).expandDims(1); // (B, 1, T, D)
		return new NDList(angles.cos(), angles.sin());
	}

	/** Rotates queries or keys: (B, H, T, D) → (B, H, T, D). */
	public static NDArray apply(NDArray x, NDArray cos, NDArray sin) {
		long half = x.getShape().tail() / 2;
		NDList halves = x.split(new long[] { half }, 3);
		NDArray rotated = NDArrays.concat(new NDList(halves.get(1).neg(), halves.get(0)), 3); // rotate_half
		return x.mul(cos).add(rotated.mul(sin));
	}

}

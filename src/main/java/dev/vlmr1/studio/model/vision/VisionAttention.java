package dev.vlmr1.studio.model.vision;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;

import dev.vlmr1.studio.model.Parameters;
import dev.vlmr1.studio.model.VisionConfig;

import dev.vlmr1.studio.model.Scalars;
import dev.vlmr1.studio.model.Temporaries;

/**
 * Mirrors {@code Qwen2_5_VLVisionAttention} (and Qwen2-VL's {@code VisionAttention}, which is the same): fused qkv,
 * 2D rotary on q and k, non-causal softmax attention inside each segment of {@code cu_seqlens}, output projection.
 * Legend: P patches, C width, H heads, D head dim, L segment length, K segments batched together.
 *
 * <p>Block-diagonal attention is computed segment by segment rather than as one P×P product with an additive mask:
 * a mask spends P² work per head where the windows need only Σ L², 16× less for a 448×448 image with the real
 * 112-pixel windows, and the mask itself is P² floats. To keep the number of native calls low, runs of consecutive
 * segments of equal length (all full windows of a window row, or of a whole image) are batched into one
 * (K, H, L, L) product. A run whose scores would exceed {@link #DEFAULT_SCORE_BUDGET} elements (a large image in a
 * full-attention block: 5,000 patches × 16 heads is 1.6 GB of scores) is computed in chunks of query rows, which
 * is the same maths since softmax is per row; it bounds inference memory (under autograd the saved weights of all
 * chunks add up to the same total).
 */
public final class VisionAttention {

	private final LinearLayer qkv;

	private final LinearLayer proj;

	private final int numHeads;

	private final int headDim;

	private final float scaling;

	/** Most score elements (K·H·rows·L) computed at once: 2^26 floats = 256 MiB. */
	public static final long DEFAULT_SCORE_BUDGET = 1L << 26;

	private final long scoreBudget;

	VisionAttention(LinearLayer qkv, LinearLayer proj, int numHeads) {
		this(qkv, proj, numHeads, DEFAULT_SCORE_BUDGET);
	}

	VisionAttention(LinearLayer qkv, LinearLayer proj, int numHeads, long scoreBudget) {
		this.scoreBudget = scoreBudget;
		this.qkv = qkv;
		this.proj = proj;
		this.numHeads = numHeads;
		this.headDim = (int) proj.weight().getShape().get(0) / numHeads;
		this.scaling = (float) Math.pow(headDim, -0.5);
	}

	static VisionAttention load(VisionConfig config, Parameters params, String prefix) {
		int width = config.width();
		return new VisionAttention(LinearLayer.load(params, prefix + ".qkv", width, 3 * width),
				LinearLayer.load(params, prefix + ".proj", width, width), config.numHeads());
	}

	/**
	 * (P, C) → (P, C), attending only within [bounds[i], bounds[i+1]).
	 * @param cos rotary table (P, D)
	 * @param sin rotary table (P, D)
	 * @param bounds segment boundaries over P, starting at 0 and ending at P
	 */
	NDArray forward(NDArray x, NDArray cos, NDArray sin, int[] bounds) {
		long patches = x.getShape().get(0);
		NDArray fused = qkv.forward(x).reshape(patches, 3, numHeads, headDim).transpose(1, 2, 0, 3); // (3, H, P, D)
		NDList parts = fused.split(3, 0); // 3 × (1, H, P, D)
		// scaling q before the product is the same maths as scaling the scores, on P·D instead of P² values
		NDArray q = VisionRotaryEmbedding.apply(parts.get(0).squeeze(0), cos, sin).mul(Scalars.of(x, scaling)); // (H, P, D)
		NDArray k = VisionRotaryEmbedding.apply(parts.get(1).squeeze(0), cos, sin); // (H, P, D)
		NDArray v = parts.get(2).squeeze(0); // (H, P, D)
		NDList outputs = new NDList();
		int start = 0;
		while (start < bounds.length - 1) {
			int length = bounds[start + 1] - bounds[start];
			int end = start + 1;
			while (end < bounds.length - 1 && bounds[end + 1] - bounds[end] == length) {
				end++;
			}
			outputs.add(attendRun(q, k, v, bounds[start], end - start, length));
			start = end;
		}
		NDArray attended = outputs.size() == 1 ? outputs.get(0) : NDArrays.concat(outputs, 1); // (H, P, D)
		return proj.forward(attended.transpose(1, 0, 2).reshape(patches, (long) numHeads * headDim)); // (P, C)
	}

	/** Attention within {@code count} consecutive segments of {@code length} patches from {@code from}. */
	private NDArray attendRun(NDArray q, NDArray k, NDArray v, int from, int count, int length) {
		NDArray qs = segments(q, from, count, length); // (K, H, L, D)
		NDArray keysT = segments(k, from, count, length).transpose(0, 1, 3, 2); // (K, H, D, L)
		NDArray vs = segments(v, from, count, length); // (K, H, L, D)
		long rows = Math.max(1, scoreBudget / ((long) count * numHeads * length)); // query rows per chunk
		NDArray attended; // (K, H, L, D)
		if (rows >= length) {
			attended = qs.matMul(keysT).softmax(-1).matMul(vs); // scores (K, H, L, L), float32
		}
		else {
			NDList chunks = new NDList();
			for (long r = 0; r < length; r += rows) {
				NDArray rowsOfQ = qs.get(new NDIndex(":, :, {}:{}", r, Math.min(length, r + rows))); // (K, H, R, D)
				// each chunk's scores are freed before the next is computed, or the chunks would add up to the whole
				chunks.add(Temporaries.freeAllBut(() -> rowsOfQ.matMul(keysT).softmax(-1).matMul(vs))); // (K, H, R, D)
			}
			attended = NDArrays.concat(chunks, 2);
		}
		return attended.transpose(1, 0, 2, 3).reshape(numHeads, (long) count * length, headDim); // (H, K·L, D)
	}

	private NDArray segments(NDArray x, int from, int count, int length) {
		NDArray run = (from == 0 && x.getShape().get(1) == (long) count * length) ? x
				: x.get(new NDIndex(":, {}:{}", from, from + count * length)); // (H, K·L, D)
		return run.reshape(numHeads, count, length, headDim).transpose(1, 0, 2, 3); // (K, H, L, D)
	}

}

package dev.vlmr1.studio.model.text;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import org.jspecify.annotations.Nullable;

import dev.vlmr1.studio.model.Parameters;
import dev.vlmr1.studio.model.TextConfig;
import dev.vlmr1.studio.model.lora.Projection;

import dev.vlmr1.studio.model.Scalars;
import dev.vlmr1.studio.model.Temporaries;

/**
 * Causal self-attention with grouped-query heads and M-RoPE. Mirrors {@code Qwen2_5_VLAttention} with eager
 * attention: q/k/v projections with biases, o_proj without, scores scaled by 1/√D, an additive mask, softmax in
 * float32.
 *
 * <p>Grouped-query attention: transformers repeats each key/value head for its G = H / K query heads
 * ({@code repeat_kv}). Here the G query heads of a group are folded into the token axis instead, which computes the
 * same dot products without materialising the repeated keys.
 *
 * <p>Legend: B batch, T new tokens, S all tokens (cached + new), H query heads, K key/value heads, G = H / K, D head
 * dim, C hidden size.
 */
public final class TextAttention {

	/**
	 * Most score elements (B·H·rows·S) computed at once without grad mode: 2^25 floats = 128 MiB. A longer
	 * inference prefill is computed in chunks of query rows (the same maths, softmax being per row), so its memory
	 * grows with T, not T².
	 */
	public static final long SCORE_BUDGET = 1L << 25;

	private final Projection qProj;

	private final Projection kProj;

	private final Projection vProj;

	private final Projection oProj;

	private final int heads;

	private final int kvHeads;

	private final int headDim;

	private TextAttention(Parameters params, String prefix, TextConfig config) {
		int hidden = config.hiddenSize();
		heads = config.numHeads();
		kvHeads = config.numKeyValueHeads();
		headDim = config.headDim();
		if (heads % kvHeads != 0) {
			throw new IllegalArgumentException(heads + " attention heads are not a multiple of " + kvHeads + " KV heads");
		}
		qProj = params.linear(prefix + "q_proj", hidden, (long) heads * headDim, true);
		kProj = params.linear(prefix + "k_proj", hidden, (long) kvHeads * headDim, true);
		vProj = params.linear(prefix + "v_proj", hidden, (long) kvHeads * headDim, true);
		oProj = params.linear(prefix + "o_proj", (long) heads * headDim, hidden, false);
	}

	/** Loads {@code prefix + "q_proj.weight"} etc. ({@code prefix} = {@code "model.layers.i.self_attn."}). */
	public static TextAttention load(Parameters params, String prefix, TextConfig config) {
		return new TextAttention(params, prefix, config);
	}

	/**
	 * @param x (B, T, C) normed hidden states
	 * @param cos (B, 1, T, D) rotation of the new tokens
	 * @param sin (B, 1, T, D)
	 * @param mask (B, 1, T, S) additive: 0 where allowed, the dtype's minimum elsewhere
	 * @param cache this layer's keys and values so far, or null to attend within {@code x} only
	 * @return (B, T, C)
	 */
	public NDArray forward(NDArray x, NDArray cos, NDArray sin, NDArray mask, @Nullable KvCache cache, int layer) {
		long batch = x.getShape().get(0);
		long tokens = x.getShape().get(1);
		NDArray q = heads(qProj.forward(x), heads); // (B, H, T, D)
		NDArray k = heads(kProj.forward(x), kvHeads); // (B, K, T, D)
		NDArray v = heads(vProj.forward(x), kvHeads); // (B, K, T, D)
		q = MRope.apply(q, cos, sin);
		k = MRope.apply(k, cos, sin);
		if (cache != null) {
			NDList all = cache.append(layer, k, v);
			k = all.get(0); // (B, K, S, D)
			v = all.get(1); // (B, K, S, D)
		}
		long keysLength = k.getShape().get(2);
		// (B, H, T, D): at most SCORE_BUDGET score elements at a time, each chunk's scores freed before the next
		long rows = Math.max(1, SCORE_BUDGET / (batch * heads * keysLength));
		NDArray out;
		// under autograd every chunk's scores are saved anyway, so training attends in one product
		if (rows >= tokens || JniUtils.isGradMode()) {
			out = attend(q, k, v, mask);
		}
		else {
			NDArray keys = k;
			NDArray values = v;
			NDList chunks = new NDList();
			for (long r = 0; r < tokens; r += rows) {
				NDIndex span = new NDIndex(":, :, {}:{}", r, Math.min(tokens, r + rows));
				NDArray queryRows = q.get(span);
				NDArray maskRows = mask.get(span);
				chunks.add(Temporaries.freeAllBut(() -> attend(queryRows, keys, values, maskRows)));
			}
			out = NDArrays.concat(chunks, 2);
		}
		out = out.transpose(0, 2, 1, 3).reshape(batch, tokens, (long) heads * headDim); // (B, T, H·D)
		return oProj.forward(out); // (B, T, C)
	}

	/**
	 * Softmax attention of some query rows over all keys.
	 * @param q (B, H, R, D) rotated queries
	 * @param k (B, K, S, D) rotated keys
	 * @param v (B, K, S, D)
	 * @param mask (B|1, 1, R, S) additive
	 * @return (B, H, R, D)
	 */
	private NDArray attend(NDArray q, NDArray k, NDArray v, NDArray mask) {
		long batch = q.getShape().get(0);
		long tokens = q.getShape().get(2);
		long keysLength = k.getShape().get(2);
		long groups = heads / kvHeads;
		NDArray grouped = q.reshape(batch, kvHeads, groups * tokens, headDim); // (B, K, G·R, D)
		NDArray scores = grouped.matMul(k.transpose(0, 1, 3, 2)).mul(Scalars.of(grouped, 1.0 / Math.sqrt(headDim))); // (B, K, G·R, S)
		scores = scores.reshape(batch, heads, tokens, keysLength).add(mask); // (B, H, R, S)
		NDArray probs = scores.softmax(-1).reshape(batch, kvHeads, groups * tokens, keysLength);
		return probs.matMul(v).reshape(batch, heads, tokens, headDim); // (B, H, R, D)
	}

	/** (B, T, N·D) → (B, N, T, D). */
	private NDArray heads(NDArray projected, int count) {
		Shape shape = projected.getShape();
		return projected.reshape(shape.get(0), shape.get(1), count, headDim).transpose(0, 2, 1, 3);
	}

}

package dev.vlmr1.studio.model.text;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import org.jspecify.annotations.Nullable;

import dev.vlmr1.studio.model.Parameters;
import dev.vlmr1.studio.model.TextConfig;
import dev.vlmr1.studio.model.lora.Projection;

import dev.vlmr1.studio.model.Scalars;

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
		long groups = heads / kvHeads;
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
		NDArray grouped = q.reshape(batch, kvHeads, groups * tokens, headDim); // (B, K, G·T, D)
		NDArray scores = grouped.matMul(k.transpose(0, 1, 3, 2)).mul(Scalars.of(grouped, 1.0 / Math.sqrt(headDim))); // (B, K, G·T, S)
		scores = scores.reshape(batch, heads, tokens, keysLength).add(mask); // (B, H, T, S)
		NDArray probs = scores.softmax(-1).reshape(batch, kvHeads, groups * tokens, keysLength);
		NDArray out = probs.matMul(v).reshape(batch, heads, tokens, headDim); // (B, H, T, D)
		out = out.transpose(0, 2, 1, 3).reshape(batch, tokens, (long) heads * headDim); // (B, T, H·D)
		return oProj.forward(out); // (B, T, C)
	}

	/** (B, T, N·D) → (B, N, T, D). */
	private NDArray heads(NDArray projected, int count) {
		Shape shape = projected.getShape();
		return projected.reshape(shape.get(0), shape.get(1), count, headDim).transpose(0, 2, 1, 3);
	}

}

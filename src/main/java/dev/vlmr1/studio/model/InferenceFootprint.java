package dev.vlmr1.studio.model;

import dev.vlmr1.studio.model.text.TextAttention;
import dev.vlmr1.studio.model.vision.VisionAttention;

/**
 * An upper estimate of the memory one generation needs beyond the loaded weights, computed from the model's config
 * and the request's sizes before anything is allocated, so a request that cannot fit is refused instead of run.
 * It follows what {@link Generator} and the model do in inference (grad mode off): every layer's temporaries are
 * freed when the layer ends ({@link Temporaries}), attention scores are computed in chunks of at most
 * {@link TextAttention#SCORE_BUDGET} (text) and {@link VisionAttention#DEFAULT_SCORE_BUDGET} (vision) elements, and
 * the KV cache grows to prompt + new tokens. Every tensor is counted at 4 bytes (float32), the widest dtype the
 * model computes in.
 *
 * <p>Legend: T prompt tokens, N new tokens, C hidden size, I MLP size, H heads, K key/value heads, D head dim,
 * L layers; P image patches, W vision width.
 *
 * @param promptBytes the prefill: the causal mask (T² booleans and floats), the layer outputs kept until the prefill
 * ends, and the peak of one layer (projections, one chunk of attention scores with its softmax, the MLP)
 * @param cacheBytes keys and values of every layer for T + N tokens, plus the copy made while one layer's grows
 * @param visionBytes the vision tower: patches, the blocks' outputs, and the peak of one block
 */
public record InferenceFootprint(long promptBytes, long cacheBytes, long visionBytes) {

	static final long FLOAT = 4;

	/** Bytes of the causal mask per (query, key) pair: the comparison, its negation, the float copy and its scaling. */
	static final long MASK_BYTES_PER_PAIR = 1 + 1 + FLOAT + FLOAT;

	/** Copies of a score chunk alive at once: the product, its scaling, the masked scores and the softmax. */
	static final long SCORE_COPIES = 4;

	/**
	 * Estimates a request.
	 * @param promptTokens T, image pads expanded
	 * @param maxNewTokens N
	 * @param patchesPerImage each image's patch count (t·h·w of its grid)
	 */
	public static InferenceFootprint of(QwenVlConfig config, long promptTokens, long maxNewTokens,
			long[] patchesPerImage) {
		TextConfig text = config.text();
		long t = promptTokens;
		long c = text.hiddenSize();
		long heads = text.numHeads();
		long kv = text.numKeyValueHeads();
		long d = text.headDim();
		long layers = text.numLayers();
		long mask = t * t * MASK_BYTES_PER_PAIR;
		long kept = FLOAT * (layers + 4) * t * c + FLOAT * 8 * t * d; // layer outputs, embeddings, rotary tables
		long rows = Math.min(t, Math.max(1, TextAttention.SCORE_BUDGET / Math.max(1, heads * t)));
		long scores = FLOAT * SCORE_COPIES * heads * rows * t;
		long projections = FLOAT * 6 * (heads + 2 * kv) * t * d + FLOAT * 3 * heads * t * d;
		long mlp = FLOAT * 5 * t * text.intermediateSize();
		long layerPeak = scores + projections + mlp + FLOAT * 4 * t * c;
		long cache = FLOAT * 2 * kv * d * (t + maxNewTokens) * (layers + 1);
		return new InferenceFootprint(mask + kept + layerPeak, cache, vision(config.vision(), patchesPerImage));
	}

	private static long vision(VisionConfig v, long[] patchesPerImage) {
		long patches = 0;
		long squares = 0;
		for (long p : patchesPerImage) {
			patches += p;
			squares += p * p;
		}
		if (patches == 0) {
			return 0;
		}
		long w = v.width();
		long input = FLOAT * 3 * patches * v.patchDim(); // the pixel rows, their reordering into windows
		long kept = FLOAT * (v.depth() + 4) * patches * w + FLOAT * 4 * patches * v.headDim();
		// full-attention blocks attend over a whole image: at most the score budget per chunk
		long scoreElements = Math.min(VisionAttention.DEFAULT_SCORE_BUDGET, v.numHeads() * squares);
		long scores = FLOAT * (SCORE_COPIES - 1) * scoreElements;
		long blockPeak = scores + FLOAT * 12 * patches * w + FLOAT * 4 * patches * v.intermediateSize();
		return input + kept + blockPeak;
	}

	/** The whole estimate in bytes. */
	public long total() {
		return promptBytes + cacheBytes + visionBytes;
	}

}

package dev.vlmr1.studio.model.text;

import java.util.ArrayList;
import java.util.List;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.core.Embedding;
import ai.djl.pytorch.jni.JniUtils;
import org.jspecify.annotations.Nullable;

import dev.vlmr1.studio.model.HalfLinear;
import dev.vlmr1.studio.model.Parameters;
import dev.vlmr1.studio.model.Temporaries;
import dev.vlmr1.studio.model.TextConfig;

/**
 * The language model: token embeddings, the decoder stack, the final RMSNorm and the output projection (the
 * embedding matrix itself when {@code tie_word_embeddings}). Mirrors {@code Qwen2_5_VLTextModel} plus the
 * {@code lm_head} of {@code Qwen2_5_VLForConditionalGeneration}.
 *
 * <p>Legend: B batch, T new tokens, S all tokens (cached + new), C hidden size, V vocabulary.
 */
public final class TextModel {

	private final TextConfig config;

	private final NDArray embedTokens;

	private final List<DecoderLayer> layers;

	private final RmsNorm norm;

	private final NDArray lmHead;

	private final MRope rope;

	private @Nullable LayerCheckpoints checkpoints;

	private TextModel(TextConfig config, NDArray embedTokens, List<DecoderLayer> layers, RmsNorm norm,
			NDArray lmHead) {
		this.config = config;
		this.embedTokens = embedTokens;
		this.layers = layers;
		this.norm = norm;
		this.lmHead = lmHead;
		this.rope = new MRope(config);
	}

	/** Loads {@code model.embed_tokens}, {@code model.layers.*}, {@code model.norm} and, unless tied, {@code lm_head}. */
	public static TextModel load(TextConfig config, Parameters params) {
		NDArray embed = params.load("model.embed_tokens.weight", config.vocabSize(), config.hiddenSize());
		List<DecoderLayer> layers = new ArrayList<>();
		for (int i = 0; i < config.numLayers(); i++) {
			layers.add(DecoderLayer.load(params, i, config));
		}
		RmsNorm norm = new RmsNorm(params.load("model.norm.weight", config.hiddenSize()), config.rmsNormEps());
		NDArray head = config.tieWordEmbeddings() ? embed
				: params.load("lm_head.weight", config.vocabSize(), config.hiddenSize());
		return new TextModel(config, embed, List.copyOf(layers), norm, head);
	}

	public TextConfig config() {
		return config;
	}

	/** (B, T) int64 token ids → (B, T, C) embeddings. */
	public NDArray embed(NDArray inputIds) {
		NDArray rows = Embedding.embedding(inputIds, embedTokens, SparseFormat.DENSE).singletonOrThrow();
		// a float16 table is frozen, so widening its rows may cut the graph: nothing below them trains
		return rows.getDataType() == DataType.FLOAT16 ? rows.toType(DataType.FLOAT32, false) : rows;
	}

	/**
	 * Runs the decoder stack over new tokens.
	 * @param embeds (B, T, C) input embeddings (image features already scattered in)
	 * @param positionIds (3, B, T) int64 M-RoPE positions of the new tokens
	 * @param attentionMask (B, S) 1 for real tokens, 0 for padding, over cached + new tokens; null for none
	 * @param cache keys and values of earlier tokens, extended in place; null for a plain forward
	 * @param hiddenStates when not null, receives the embeddings, each layer's output but the last, and the normed
	 * output (transformers' {@code hidden_states})
	 * @return (B, T, C) the last layer's output after the final norm
	 */
	public NDArray forward(NDArray embeds, NDArray positionIds, @Nullable NDArray attentionMask,
			@Nullable KvCache cache, @Nullable List<NDArray> hiddenStates) {
		long past = cache == null ? 0 : cache.length();
		NDArray mask = additiveMask(embeds, past, attentionMask); // (B, 1, T, S)
		NDList cosSin = rope.cosSin(positionIds); // 2 × (B, 1, T, D)
		if (checkpoints != null && cache == null && hiddenStates == null && JniUtils.isGradMode()) {
			return norm.forward(checkpoints.forward(layers, embeds, cosSin.get(0), cosSin.get(1), mask));
		}
		NDArray h = embeds;
		for (DecoderLayer layer : layers) {
			if (hiddenStates != null) {
				hiddenStates.add(h);
			}
			NDArray input = h;
			h = Temporaries.freeAllBut(() -> layer.forward(input, cosSin.get(0), cosSin.get(1), mask, cache));
		}
		h = norm.forward(h);
		if (hiddenStates != null) {
			hiddenStates.add(h);
		}
		return h;
	}

	/**
	 * Turns gradient checkpointing of the decoder layers on until the result is closed: forwards with autograd on keep
	 * only the layers' inputs, and {@link LayerCheckpoints#backward()} recomputes the layers after the loss's backward.
	 * Inference forwards (autograd off, a KV cache, or hidden states asked for) are unchanged.
	 * @throws IllegalStateException if checkpointing is already on
	 */
	public LayerCheckpoints checkpointing() {
		if (checkpoints != null) {
			throw new IllegalStateException("gradient checkpointing is already on");
		}
		LayerCheckpoints opened = new LayerCheckpoints(() -> checkpoints = null);
		checkpoints = opened;
		return opened;
	}

	/** (B, T, C) → (B, T, V). */
	public NDArray logits(NDArray hidden) {
		return HalfLinear.linear(hidden, lmHead, null);
	}

	/**
	 * Causal + padding mask as an additive bias: query i (at cache position past + i) may see key j when
	 * j ≤ past + i and key j is not padding. Blocked entries get the dtype's minimum rather than −∞, so a fully
	 * padded query row softmaxes to a uniform row instead of NaN, exactly as transformers' eager attention does.
	 */
	private static NDArray additiveMask(NDArray embeds, long past, @Nullable NDArray attentionMask) {
		NDManager manager = embeds.getManager();
		long batch = embeds.getShape().get(0);
		long tokens = embeds.getShape().get(1);
		long keys = past + tokens;
		NDArray keyIndex = manager.arange(0L, keys, 1L, DataType.INT64).reshape(1, keys); // (1, S)
		NDArray queryIndex = manager.arange(past, keys, 1L, DataType.INT64).reshape(tokens, 1); // (T, 1)
		NDArray allowed = keyIndex.lte(queryIndex).expandDims(0); // (1, T, S)
		if (attentionMask != null) {
			if (attentionMask.getShape().get(0) != batch || attentionMask.getShape().get(1) != keys) {
				throw new IllegalArgumentException("attention_mask has shape " + attentionMask.getShape()
						+ ", expected (" + batch + ", " + keys + ")");
			}
			NDArray keyAllowed = attentionMask.toType(DataType.BOOLEAN, false).expandDims(1); // (B, 1, S)
			allowed = allowed.logicalAnd(keyAllowed); // (B, T, S)
		}
		float minimum = embeds.getDataType() == DataType.FLOAT16 ? -65504f : -Float.MAX_VALUE;
		return allowed.logicalNot().toType(embeds.getDataType(), false).mul(minimum).expandDims(1); // (B|1, 1, T, S)
	}

}

package dev.vlmr1.studio.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import org.jspecify.annotations.Nullable;

import dev.vlmr1.studio.model.text.KvCache;
import dev.vlmr1.studio.model.tokenizer.QwenTokenizer;

/**
 * Batched, left-padded, KV-cached decoding: one prefill over the prompts, then one forward per new token over the
 * cache. Mirrors what transformers' {@code generate} does for Qwen-VL (positions continue at the prompt's rope
 * delta; finished sequences are fed the pad token until every sequence stops).
 *
 * <p>Grad mode is switched off on the calling thread for the duration (new threads start with it on), and each step
 * runs in its own {@link NDScope} so nothing but the cache outlives a step, and nothing outlives the call.
 */
public final class Generator {

	private final QwenVlModel model;

	private final @Nullable Function<long[], String> detokenizer;

	/** @param detokenizer turns generated ids into text (e.g. the tokenizer's decode); null for ids only */
	public Generator(QwenVlModel model, @Nullable Function<long[], String> detokenizer) {
		this.model = model;
		this.detokenizer = detokenizer;
	}

	/** A generator whose results carry texts: the tokenizer's decoding with special tokens left out. */
	public static Generator withTokenizer(QwenVlModel model, QwenTokenizer tokenizer) {
		return new Generator(model, (ids) -> tokenizer.decode(ids, true));
	}

	/**
	 * Generates for unpadded prompts: left-pads them with {@code params.padTokenId()} into one batch.
	 * @param prompts token ids per prompt, image pads expanded
	 * @param images the prompts' images in order (pixel values or image embeds with their grids), or plain ids
	 */
	public Generation generate(List<long[]> prompts, Function<ModelInputs, ModelInputs> images, SamplingParams params) {
		int length = prompts.stream().mapToInt((p) -> p.length).max().orElseThrow();
		long[] ids = new long[prompts.size() * length];
		long[] mask = new long[prompts.size() * length];
		for (int b = 0; b < prompts.size(); b++) {
			long[] prompt = prompts.get(b);
			int pad = length - prompt.length;
			Arrays.fill(ids, b * length, b * length + pad, params.padTokenId());
			System.arraycopy(prompt, 0, ids, b * length + pad, prompt.length);
			Arrays.fill(mask, b * length + pad, (b + 1) * length, 1);
		}
		try (NDManager manager = model.manager().newSubManager()) {
			Shape shape = new Shape(prompts.size(), length);
			ModelInputs inputs = ModelInputs.of(manager.create(ids, shape)).withAttentionMask(manager.create(mask, shape));
			return generate(images.apply(inputs), params);
		}
	}

	/**
	 * Generates for an already left-padded batch.
	 * @param prompt (B, T) ids, optional (B, T) attention mask, and the images
	 */
	public Generation generate(ModelInputs prompt, SamplingParams params) {
		return generate(prompt, params, (sequence, token, logits, offset, vocab) -> false);
	}

	/**
	 * Generates for an already left-padded batch, showing each token to {@code listener} as it is chosen.
	 * @param listener may end a sequence early; an exception it throws ends the generation
	 */
	public Generation generate(ModelInputs prompt, SamplingParams params, TokenListener listener) {
		boolean gradMode = JniUtils.isGradMode();
		JniUtils.setGradMode(false);
		try (NDManager manager = model.manager().newSubManager();
				KvCache cache = new KvCache(manager, model.config().text().numLayers())) {
			return decode(manager, cache, prompt, params, listener);
		}
		finally {
			JniUtils.setGradMode(gradMode);
		}
	}

	private Generation decode(NDManager manager, KvCache cache, ModelInputs prompt, SamplingParams params,
			TokenListener listener) {
		Shape shape = prompt.inputIds().getShape();
		int batch = (int) shape.get(0);
		int promptLength = (int) shape.get(1);
		int vocab = model.config().text().vocabSize();
		long[] mask = new long[batch * (promptLength + params.maxNewTokens())];
		long[] given = prompt.attentionMask() == null ? null : prompt.attentionMask().toLongArray();
		int stride = promptLength + params.maxNewTokens();
		for (int b = 0; b < batch; b++) {
			for (int t = 0; t < promptLength; t++) {
				mask[b * stride + t] = given == null ? 1 : given[b * promptLength + t];
			}
		}
		TokenSampler sampler = new TokenSampler(params);
		List<List<Long>> tokens = new ArrayList<>();
		List<List<Float>> logProbs = new ArrayList<>();
		for (int b = 0; b < batch; b++) {
			tokens.add(new ArrayList<>());
			logProbs.add(new ArrayList<>());
		}
		TokenPenalties[] penalties = new TokenPenalties[batch];
		for (int b = 0; b < batch; b++) {
			penalties[b] = new TokenPenalties(params.frequencyPenalty(), params.presencePenalty());
		}
		boolean[] finished = new boolean[batch];
		float[] logits;
		try (NDScope ignored = new NDScope()) {
			logits = model.forward(prompt.withLogitsToKeep(1), cache).logits().toFloatArray(); // (B, 1, V)
		}
		for (int step = 0; step < params.maxNewTokens(); step++) {
			long[] next = new long[batch];
			for (int b = 0; b < batch; b++) {
				next[b] = params.padTokenId();
				if (finished[b]) {
					continue;
				}
				if (params.hasPenalties()) {
					penalties[b].apply(logits, b * vocab, vocab);
				}
				TokenSampler.Choice choice = sampler.choose(logits, b * vocab, vocab);
				next[b] = choice.token();
				tokens.get(b).add(choice.token());
				logProbs.get(b).add(choice.logProb());
				if (params.hasPenalties()) {
					penalties[b].count(choice.token());
				}
				boolean ended = listener.onToken(b, choice.token(), logits, b * vocab, vocab);
				finished[b] = ended || params.eosTokenIds().contains(choice.token());
			}
			if (step == params.maxNewTokens() - 1 || allTrue(finished)) {
				break;
			}
			int length = promptLength + step + 1;
			for (int b = 0; b < batch; b++) {
				mask[b * stride + length - 1] = 1;
			}
			try (NDScope ignored = new NDScope()) {
				NDArray ids = manager.create(next, new Shape(batch, 1));
				NDArray attention = manager.create(columns(mask, batch, stride, length), new Shape(batch, length));
				ModelInputs inputs = ModelInputs.of(ids).withAttentionMask(attention).withLogitsToKeep(1);
				logits = model.forward(inputs, cache).logits().toFloatArray(); // (B, 1, V)
			}
		}
		return result(tokens, logProbs);
	}

	private Generation result(List<List<Long>> tokens, List<List<Float>> logProbs) {
		List<long[]> ids = new ArrayList<>();
		List<float[]> probs = new ArrayList<>();
		List<String> texts = new ArrayList<>();
		for (int b = 0; b < tokens.size(); b++) {
			ids.add(tokens.get(b).stream().mapToLong(Long::longValue).toArray());
			float[] lp = new float[logProbs.get(b).size()];
			for (int i = 0; i < lp.length; i++) {
				lp[i] = logProbs.get(b).get(i);
			}
			probs.add(lp);
			if (detokenizer != null) {
				texts.add(detokenizer.apply(ids.get(b)));
			}
		}
		return new Generation(List.copyOf(ids), List.copyOf(probs), List.copyOf(texts));
	}

	private static long[] columns(long[] matrix, int rows, int stride, int length) {
		long[] out = new long[rows * length];
		for (int r = 0; r < rows; r++) {
			System.arraycopy(matrix, r * stride, out, r * length, length);
		}
		return out;
	}

	private static boolean allTrue(boolean[] flags) {
		for (boolean flag : flags) {
			if (!flag) {
				return false;
			}
		}
		return true;
	}

}

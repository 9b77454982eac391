package dev.vlmr1.studio.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Speed of the whole model on a mid-size random configuration (text hidden 512, 8 layers, 8 heads / 2 KV heads,
 * intermediate 1408; vision width 256, 4 blocks; vocabulary 32768), batch 8, each prompt 256 tokens with one
 * 224×224 image (64 image tokens). Prints prefill FLOP/s and decode tokens/s as ratios to the float32 matmul FLOP/s
 * DJL reaches on this machine in the same run, and the KV cache's decode speed-up over recomputing the whole
 * sequence per token. Run with {@code main}; not a test.
 */
public final class QwenVlBenchmark {

	static final int BATCH = 8;

	static final int PROMPT = 256;

	static final int NEW_TOKENS = 32;

	static final int RECOMPUTED_TOKENS = 8;

	static final int IMAGE_TOKENS = 64;

	private QwenVlBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		QwenVlConfig config = QwenVlConfig.fromJson(new ObjectMapper().readTree(CONFIG));
		try (QwenVlModel model = QwenVlModel.load(config, randomWeights(), Engine.getInstance().defaultDevice());
				NDManager manager = model.manager().newSubManager()) {
			JniUtils.setGradMode(false);
			ModelInputs prompt = prompt(manager, config);
			Generator generator = new Generator(model, null);
			SamplingParams greedy = SamplingParams.greedy(1, config).withEos(List.of());
			generator.generate(prompt, greedy); // warm-up
			// the machine is shared: each phase is compared with a matmul bound measured right before it
			double prefillBound = matmulFlopsPerSecond();
			double prefill = best(3, () -> generator.generate(prompt, greedy));
			double decodeBound = matmulFlopsPerSecond();
			double withDecode = best(2, () -> generator.generate(prompt,
					new SamplingParams(1 + NEW_TOKENS, 0, 0, 1, 0, List.of(), config.padTokenId())));
			double decodeSeconds = withDecode - prefill;
			double prefillFlops = prefillFlops(config);
			double decodeFlops = 0;
			for (int s = 0; s < NEW_TOKENS; s++) {
				decodeFlops += BATCH * textFlopsPerToken(config, PROMPT + s + 1) + BATCH * 2.0 * 512 * 32768;
			}
			double recomputeSeconds = recompute(model, manager, prompt);
			double vision = best(3, () -> {
				try (NDManager step = manager.newSubManager()) {
					model.vision().forward(prompt.pixelValues(), prompt.imageGridThw()).toFloatArray();
				}
			});
			double cachedPerToken = decodeSeconds / NEW_TOKENS;
			double recomputedPerToken = recomputeSeconds / RECOMPUTED_TOKENS;
			System.out.printf("device %s, matmul bound %.2f GFLOP/s before prefill, %.2f before decode%n",
					manager.getDevice(), prefillBound / 1e9, decodeBound / 1e9);
			System.out.printf("prefill  B=%d T=%d: %.3f s, %.2f GFLOP/s, ratio to matmul %.2f%n", BATCH, PROMPT, prefill,
					prefillFlops / prefill / 1e9, prefillFlops / prefill / prefillBound);
			System.out.printf("  of which vision tower %.3f s (%.2f GFLOP/s), decoder %.3f s (%.2f GFLOP/s)%n", vision,
					visionFlops(config) / vision / 1e9, prefill - vision,
					(prefillFlops - visionFlops(config)) / (prefill - vision) / 1e9);
			System.out.printf("decode   B=%d: %.1f tokens/s, %.2f GFLOP/s, ratio to matmul %.3f%n", BATCH,
					BATCH * NEW_TOKENS / decodeSeconds, decodeFlops / decodeSeconds / 1e9,
					decodeFlops / decodeSeconds / decodeBound);
			System.out.printf("KV cache: %.1f ms/step cached vs %.1f ms/step recomputed, speed-up %.1fx%n",
					cachedPerToken * 1e3, recomputedPerToken * 1e3, recomputedPerToken / cachedPerToken);
		}
	}

	/** Float32 FLOP/s of a matmul shaped like the prefill's MLP, best of several runs. */
	static double matmulFlopsPerSecond() {
		try (NDManager manager = NDManager.newBaseManager()) {
			NDArray a = manager.randomNormal(new Shape(BATCH * PROMPT, 512));
			NDArray b = manager.randomNormal(new Shape(512, 1408));
			double flops = 2.0 * BATCH * PROMPT * 512 * 1408;
			a.matMul(b).close();
			double seconds = best(5, () -> {
				for (int i = 0; i < 10; i++) {
					a.matMul(b).close();
				}
			}) / 10;
			return flops / seconds;
		}
	}

	/** Recomputes the whole sequence for each new token (no cache), images given as ready-made features. */
	static double recompute(QwenVlModel model, NDManager manager, ModelInputs prompt) {
		NDArray features = model.forward(prompt.withLogitsToKeep(1)).imageEmbeds();
		long[] ids = prompt.inputIds().toLongArray();
		long start = System.nanoTime();
		for (int s = 0; s < RECOMPUTED_TOKENS; s++) {
			int length = PROMPT + s;
			long[] grown = new long[BATCH * length];
			for (int b = 0; b < BATCH; b++) {
				System.arraycopy(ids, b * PROMPT, grown, b * length, PROMPT);
				Arrays.fill(grown, b * length + PROMPT, (b + 1) * length, 7);
			}
			try (NDManager step = manager.newSubManager()) {
				ModelInputs inputs = ModelInputs.of(step.create(grown, new Shape(BATCH, length)))
					.withImageEmbeds(features, prompt.imageGridThw())
					.withLogitsToKeep(1);
				model.forward(inputs).logits().toFloatArray();
			}
		}
		return (System.nanoTime() - start) / 1e9;
	}

	static ModelInputs prompt(NDManager manager, QwenVlConfig config) {
		long[] ids = new long[BATCH * PROMPT];
		SplittableRandom random = new SplittableRandom(1);
		long[][] grids = new long[BATCH][];
		for (int b = 0; b < BATCH; b++) {
			for (int t = 0; t < PROMPT; t++) {
				ids[b * PROMPT + t] = random.nextInt(30000);
			}
			ids[b * PROMPT + 19] = config.visionStartTokenId();
			Arrays.fill(ids, b * PROMPT + 20, b * PROMPT + 20 + IMAGE_TOKENS, config.imageTokenId());
			ids[b * PROMPT + 20 + IMAGE_TOKENS] = config.visionEndTokenId();
			grids[b] = new long[] { 1, 16, 16 };
		}
		NDArray pixels = manager.randomNormal(new Shape(BATCH * 256, 1176));
		return ModelInputs.of(manager.create(ids, new Shape(BATCH, PROMPT))).withImages(pixels, grids);
	}

	static double visionFlops(QwenVlConfig config) {
		int w = config.vision().width();
		double perPatch = 2.0 * (1176.0 * w + 4.0 * w * w + 3.0 * w * config.vision().intermediateSize());
		double attention = 4.0 * w * (2 * 64 + 2 * 256) / 4; // 2 window blocks (64 patches), 2 full (256)
		double merger = 2.0 * (16.0 * w * w + 4.0 * w * config.text().hiddenSize()) / 4;
		return BATCH * 256 * (perPatch + attention + merger);
	}

	static double prefillFlops(QwenVlConfig config) {
		double vision = visionFlops(config);
		double text = (double) BATCH * PROMPT * textFlopsPerToken(config, PROMPT);
		return vision + text + BATCH * 2.0 * config.text().hiddenSize() * config.text().vocabSize();
	}

	/** Matmul FLOPs of one token through the decoder attending over {@code keys} tokens (full masked rows). */
	static double textFlopsPerToken(QwenVlConfig config, int keys) {
		TextConfig t = config.text();
		double c = t.hiddenSize();
		double qo = 2 * c * t.numHeads() * t.headDim();
		double kv = 2 * c * t.numKeyValueHeads() * t.headDim();
		double perLayer = 2 * (qo + kv + 3 * c * t.intermediateSize()) + 4.0 * t.numHeads() * t.headDim() * keys;
		return perLayer * t.numLayers();
	}

	static TensorSource randomWeights() {
		return (name, shape) -> {
			long n = 1;
			for (long d : shape) {
				n *= d;
			}
			float[] values = new float[Math.toIntExact(n)];
			boolean norm = name.endsWith("norm.weight") || name.contains("norm1") || name.contains("norm2")
					|| name.contains("ln_q");
			SplittableRandom random = new SplittableRandom(name.hashCode());
			for (int i = 0; i < values.length; i++) {
				values[i] = norm ? 1f : (float) (random.nextGaussian() * 0.02);
			}
			return values;
		};
	}

	static double best(int runs, Runnable body) {
		double best = Double.MAX_VALUE;
		for (int i = 0; i < runs; i++) {
			long start = System.nanoTime();
			body.run();
			best = Math.min(best, (System.nanoTime() - start) / 1e9);
		}
		return best;
	}

	static final String CONFIG = """
			{"model_type": "qwen2_5_vl", "image_token_id": 32001, "video_token_id": 32006,
			 "vision_start_token_id": 32002, "vision_end_token_id": 32003, "eos_token_id": 32004, "pad_token_id": 32005,
			 "tie_word_embeddings": true,
			 "text_config": {"vocab_size": 32768, "hidden_size": 512, "intermediate_size": 1408,
			   "num_hidden_layers": 8, "num_attention_heads": 8, "num_key_value_heads": 2, "rms_norm_eps": 1e-6,
			   "tie_word_embeddings": true,
			   "rope_parameters": {"rope_type": "default", "rope_theta": 1000000.0, "mrope_section": [8, 12, 12]}},
			 "vision_config": {"depth": 4, "hidden_size": 256, "num_heads": 4, "intermediate_size": 512,
			   "out_hidden_size": 512, "patch_size": 14, "spatial_merge_size": 2, "temporal_patch_size": 2,
			   "in_channels": 3, "window_size": 112, "fullatt_block_indexes": [1, 3]}}
			""";

}

package dev.vlmr1.studio.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.jspecify.annotations.Nullable;

import dev.vlmr1.studio.model.ChatTemplate;
import dev.vlmr1.studio.model.Generation;
import dev.vlmr1.studio.model.Generator;
import dev.vlmr1.studio.model.ModelInputs;
import dev.vlmr1.studio.model.SamplingParams;
import dev.vlmr1.studio.model.tokenizer.QwenTokenizer;

/**
 * GRPO.md steps 2–6 for one optimiser step: G sampled completions per prompt (no gradient, seeded by step and
 * micro-batch), completion masks, rewards, advantages, and the old / reference log-probs the loss compares against.
 */
final class RolloutCollector {

	private final Policy policy;

	private final @Nullable Policy reference;

	private final QwenTokenizer tokenizer;

	private final RewardScorer scorer;

	private final GrpoConfig config;

	private final Generator generator;

	private final List<Long> eos;

	RolloutCollector(Policy policy, @Nullable Policy reference, QwenTokenizer tokenizer, RewardScorer scorer,
			GrpoConfig config) {
		this.policy = policy;
		this.reference = reference;
		this.tokenizer = tokenizer;
		this.scorer = scorer;
		this.config = config;
		this.generator = new Generator(policy.model(), null);
		this.eos = List.of(tokenizer.specialTokens().imEnd(), tokenizer.specialTokens().pad());
	}

	/** Rolls out, scores and prepares {@code prompts} (promptsPerStep of them) for optimiser step {@code step}. */
	RolloutBuffer collect(List<PreparedPrompt> prompts, long step, Map<String, Double> timings) {
		int g = config.numGenerations();
		int promptsPerMicro = config.perDeviceTrainBatchSize() / g;
		long start = System.nanoTime();
		// rows in group order: prompt 0 × G, prompt 1 × G, …
		List<PreparedPrompt> rows = new ArrayList<>();
		prompts.forEach((p) -> rows.addAll(java.util.Collections.nCopies(g, p)));
		List<long[]> completions = new ArrayList<>();
		for (int m = 0; m * promptsPerMicro < prompts.size(); m++) {
			List<PreparedPrompt> micro = rows.subList(m * promptsPerMicro * g,
					Math.min(rows.size(), (m + 1) * promptsPerMicro * g));
			SamplingParams sampling = new SamplingParams(config.maxCompletionLength(), config.temperature(),
					config.topK(), config.topP(), Seeds.of(config.seed(), step, m), eos, tokenizer.specialTokens().pad());
			try (NDManager scratch = policy.manager().newSubManager()) {
				Generation generation = generator.generate(micro.stream().map(PreparedPrompt::ids).toList(),
						(inputs) -> withImages(scratch, inputs, micro), sampling);
				generation.tokenIds().forEach((ids) -> completions.add(withoutVisionTokens(ids)));
			}
		}
		timings.put("time/rollout", seconds(start));

		start = System.nanoTime();
		List<String> texts = new ArrayList<>();
		List<RewardScorer.Request> requests = new ArrayList<>();
		for (int i = 0; i < rows.size(); i++) {
			PreparedPrompt p = rows.get(i);
			String text = tokenizer.decode(completions.get(i), true);
			texts.add(text);
			requests.add(new RewardScorer.Request(p.sample(), text, completions.get(i).length, p.imageSizes(),
					Arrays.asList(p.images().gridThw())));
		}
		RewardScorer.Scores scores = scorer.score(requests);
		float[] totals = new float[rows.size()];
		for (int i = 0; i < totals.length; i++) {
			totals[i] = (float) scores.totals()[i];
		}
		float[] advantages = Advantages.compute(totals, g, config.scaleRewards());
		boolean[] zeroStd = Advantages.zeroStdGroups(totals, g);
		timings.put("time/reward", seconds(start));

		NDManager manager = policy.manager().newSubManager();
		try {
			return build(manager, rows, completions, texts, scores, totals, advantages, zeroStd, step);
		}
		catch (RuntimeException ex) {
			manager.close();
			throw ex;
		}
	}

	private RolloutBuffer build(NDManager manager, List<PreparedPrompt> rows, List<long[]> completions,
			List<String> texts, RewardScorer.Scores scores, float[] totals, float[] advantages, boolean[] zeroStd,
			long step) {
		int g = config.numGenerations();
		List<RolloutBuffer.Micro> micros = new ArrayList<>();
		int sequences = 0;
		double tokens = 0;
		long allTokens = 0;
		int[] lengths = new int[rows.size()];
		int truncated = 0;
		for (int start = 0; start < rows.size(); start += config.perDeviceTrainBatchSize()) {
			List<Integer> kept = new ArrayList<>();
			for (int i = start; i < Math.min(rows.size(), start + config.perDeviceTrainBatchSize()); i++) {
				if (!(config.skipZeroVarianceGroups() && zeroStd[i / g])) {
					kept.add(i);
				}
			}
			for (int i = start; i < Math.min(rows.size(), start + config.perDeviceTrainBatchSize()); i++) {
				lengths[i] = completions.get(i).length;
				truncated += ended(completions.get(i)) ? 0 : 1;
			}
			if (kept.isEmpty()) {
				continue;
			}
			GrpoBatch batch = batch(manager, kept, rows, completions, advantages);
			sequences += kept.size();
			tokens += batch.completionMask().sum().getFloat();
			allTokens += batch.attentionMask().sum().getLong();
			NDArray ref = null;
			NDArray old = null;
			try (var off = GradMode.disabled()) {
				if (reference != null && config.beta() > 0) {
					ref = TokenLogProbs.of(reference, batch.modelInputs(), batch.completionLength(), config.temperature());
				}
				if (config.numIterations() > 1) {
					old = TokenLogProbs.of(policy, batch.modelInputs(), batch.completionLength(), config.temperature());
				}
			}
			micros.add(new RolloutBuffer.Micro(batch, ref, old));
		}
		Map<String, Double> metrics = RolloutMetrics.of(scores, totals, zeroStd, lengths, truncated);
		List<RolloutRecord> records = new ArrayList<>();
		for (int i = 0; i < Math.min(config.logRollouts(), rows.size()); i++) {
			Map<String, Double> each = new LinkedHashMap<>();
			for (String fn : scorer.functionNames()) {
				each.put(fn, scores.perFunction().get(fn)[i]);
			}
			PreparedPrompt p = rows.get(i);
			records.add(new RolloutRecord(step + 1, p.sample().id(), p.text(),
					p.sample().images().stream().map(Object::toString).toList(), texts.get(i), each, totals[i],
					advantages[i]));
		}
		return new RolloutBuffer(manager, micros, Math.max(1, sequences), tokens, metrics, records, allTokens);
	}

	/** [B, P + T] ids: left-padded prompts then right-padded completions; masks, images and advantages of the rows. */
	private GrpoBatch batch(NDManager manager, List<Integer> kept, List<PreparedPrompt> rows, List<long[]> completions,
			float[] advantages) {
		long pad = tokenizer.specialTokens().pad();
		ChatTemplate.LeftPadded prompts = ChatTemplate.leftPad(kept.stream().map((i) -> rows.get(i).ids()).toList(), pad);
		int b = kept.size();
		int p = prompts.length();
		int t = Math.max(1, kept.stream().mapToInt((i) -> completions.get(i).length).max().orElse(1));
		long[] completionIds = new long[b * t];
		Arrays.fill(completionIds, pad);
		for (int r = 0; r < b; r++) {
			long[] c = completions.get(kept.get(r));
			System.arraycopy(c, 0, completionIds, r * t, c.length);
		}
		// the generator stops a row at its EOS, so only rows cut at max_completion_length lack one
		CompletionMask mask = CompletionMask.of(completionIds, b, t, eos, config.maskTruncatedCompletions());
		long[] ids = new long[b * (p + t)];
		long[] attention = new long[b * (p + t)];
		float[] adv = new float[b];
		List<float[]> pixels = new ArrayList<>();
		List<long[]> grids = new ArrayList<>();
		for (int r = 0; r < b; r++) {
			System.arraycopy(prompts.inputIds(), r * p, ids, r * (p + t), p);
			System.arraycopy(prompts.attentionMask(), r * p, attention, r * (p + t), p);
			System.arraycopy(completionIds, r * t, ids, r * (p + t) + p, t);
			for (int k = 0; k < t; k++) {
				attention[r * (p + t) + p + k] = (long) mask.mask()[r * t + k];
			}
			adv[r] = advantages[kept.get(r)];
			PreparedPrompt row = rows.get(kept.get(r));
			if (row.hasImages()) {
				pixels.add(row.images().pixelValues());
				grids.addAll(Arrays.asList(row.images().gridThw()));
			}
		}
		Shape shape = new Shape(b, p + t);
		NDArray pixelValues = grids.isEmpty() ? null : manager.create(concat(pixels), new Shape(pixelRows(grids), policy.config().vision().patchDim()));
		return new GrpoBatch(manager.create(ids, shape), manager.create(attention, shape), pixelValues,
				grids.isEmpty() ? null : grids.toArray(long[][]::new), mask.toArray(manager), manager.create(adv));
	}

	private ModelInputs withImages(NDManager manager, ModelInputs inputs, List<PreparedPrompt> rows) {
		List<float[]> pixels = new ArrayList<>();
		List<long[]> grids = new ArrayList<>();
		for (PreparedPrompt row : rows) {
			if (row.hasImages()) {
				pixels.add(row.images().pixelValues());
				grids.addAll(Arrays.asList(row.images().gridThw()));
			}
		}
		if (grids.isEmpty()) {
			return inputs;
		}
		return inputs.withImages(manager.create(concat(pixels), new Shape(pixelRows(grids), policy.config().vision().patchDim())),
				grids.toArray(long[][]::new));
	}

	/**
	 * Cuts a completion before the first vision placeholder it sampled ({@code <|vision_start|>},
	 * {@code <|image_pad|>}, {@code <|video_pad|>}): the model cannot score a sequence whose placeholders have no
	 * image behind them (transformers fails the same way). The cut completion has no EOS, so it counts as truncated.
	 * Only an untrained model samples these.
	 */
	private long[] withoutVisionTokens(long[] ids) {
		var special = tokenizer.specialTokens();
		for (int i = 0; i < ids.length; i++) {
			if (ids[i] == special.visionStart() || ids[i] == special.imagePad() || ids[i] == special.videoPad()) {
				return Arrays.copyOf(ids, i);
			}
		}
		return ids;
	}

	private boolean ended(long[] completion) {
		return completion.length > 0 && eos.contains(completion[completion.length - 1]);
	}

	private static long pixelRows(List<long[]> grids) {
		return grids.stream().mapToLong((g) -> g[0] * g[1] * g[2]).sum();
	}

	private static float[] concat(List<float[]> parts) {
		float[] out = new float[parts.stream().mapToInt((a) -> a.length).sum()];
		int o = 0;
		for (float[] a : parts) {
			System.arraycopy(a, 0, out, o, a.length);
			o += a.length;
		}
		return out;
	}

	private static double seconds(long start) {
		return (System.nanoTime() - start) / 1e9;
	}

}

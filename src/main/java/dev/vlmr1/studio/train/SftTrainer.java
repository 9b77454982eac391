package dev.vlmr1.studio.train;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.jspecify.annotations.Nullable;

import dev.vlmr1.studio.model.ChatTemplate;
import dev.vlmr1.studio.model.ModelInputs;
import dev.vlmr1.studio.model.image.ImageProcessor;
import dev.vlmr1.studio.model.text.LayerCheckpoints;
import dev.vlmr1.studio.model.tokenizer.QwenTokenizer;
import dev.vlmr1.studio.model.Scalars;

/**
 * Supervised fine-tuning: each sample becomes prompt (chat template, images first) + solution +
 * {@code <|im_end|>}, labels {@value SftLoss#IGNORE} on the prompt and padding; mean cross-entropy per micro-batch
 * (divided by the accumulation steps), clip, AdamW, schedule. Same data order, seeds and checkpoints as GRPO.
 */
public final class SftTrainer implements AutoCloseable {

	/** What a run needs besides its configuration; {@code outputDir} null for no checkpoints. */
	public record Setup(Policy policy, QwenTokenizer tokenizer, ImageProcessor images, List<TrainingSample> samples,
			MetricSink sink, Path baseModel, @Nullable Path outputDir) {
	}

	private final Setup setup;

	private final SftConfig config;

	private final ChatTemplate chat;

	private final AdamW adamW;

	private final LrSchedule schedule;

	private final DataOrder order;

	private long globalStep;

	/** Mixed into the dropout seeds (see {@link GrpoTrainer}). */
	private static final long DROPOUT_STREAM = 0x4C6F5241L;

	/** @throws IllegalArgumentException when the policy's adapters disagree with {@code config.lora()} */
	public SftTrainer(Setup setup, SftConfig config) {
		setup.policy().prepareLora(config.lora(), config.seed());
		setup.policy().requireDtype(config.torchDtype());
		this.setup = setup;
		this.config = config;
		this.chat = new ChatTemplate(setup.tokenizer());
		this.adamW = new AdamW(setup.policy().manager(), new AdamW.Settings(0.9, 0.999, 1e-8, config.weightDecay()));
		this.schedule = config.schedule(setup.samples().size());
		this.order = new DataOrder(setup.samples().size(), config.seed());
	}

	/** Continues from a committed checkpoint whose weights {@code setup.policy()} was loaded from. */
	public void resumeFrom(Path checkpoint) {
		TrainerCheckpoint.State state = TrainerCheckpoint.readState(checkpoint);
		if (setup.policy().lora() != null) {
			TrainerCheckpoint.restoreAdapter(checkpoint, setup.policy().lora());
		}
		TrainerCheckpoint.restoreOptimizer(checkpoint, adamW, setup.policy().manager());
		order.restore(state.data());
		globalStep = state.globalStep();
	}

	public void train() {
		while (globalStep < schedule.totalSteps()) {
			step();
			boolean last = globalStep == schedule.totalSteps();
			if (setup.outputDir() != null && (last || (config.saveSteps() > 0 && globalStep % config.saveSteps() == 0))) {
				save();
			}
		}
	}

	/** One optimiser step over {@code gradientAccumulationSteps} micro-batches. */
	public StepMetrics step() {
		long start = System.nanoTime();
		Map<String, NDArray> trainable = GrpoStep.prepareGradients(setup.policy(), config.freezeVision());
		double loss = 0;
		long tokens = 0;
		for (int micro = 0; micro < config.gradientAccumulationSteps(); micro++) {
			List<TrainingSample> samples = order.next(config.perDeviceTrainBatchSize())
				.stream()
				.map(setup.samples()::get)
				.toList();
			try (NDManager scope = setup.policy().manager().newSubManager();
					var dropout = setup.policy().training(Seeds.of(config.seed() ^ DROPOUT_STREAM, globalStep, micro));
					GradientCollector gc = scope.getEngine().newGradientCollector();
					LayerCheckpoints checkpoints = setup.policy().checkpointing(config.gradientCheckpointing())) {
				Batch batch = batch(scope, samples);
				NDArray value = SftLoss.compute(setup.policy().forward(batch.inputs()).logits(), batch.labels())
					.div(Scalars.of(batch.labels(), config.gradientAccumulationSteps()));
				gc.backward(value);
				checkpoints.backward();
				setup.policy().checkDevices(scope);
				loss += value.getFloat();
				tokens += batch.tokens();
			}
		}
		double lr = schedule.learningRate(globalStep);
		double gradNorm = GrpoStep.applyUpdate(trainable,
				new GrpoStep.Optimization(adamW, lr, config.maxGradNorm(), config.freezeVision()));
		// parameters and optimizer states: everything the run keeps on the policy's manager
		setup.policy().checkDevices(setup.policy().manager());
		globalStep++;
		Map<String, Double> m = new LinkedHashMap<>();
		m.put("loss", loss);
		m.put("grad_norm", gradNorm);
		m.put("learning_rate", lr);
		m.put("epoch", order.epochs());
		m.put("num_tokens", (double) tokens);
		m.put("step_time", (System.nanoTime() - start) / 1e9);
		StepMetrics metrics = new StepMetrics(globalStep, schedule.totalSteps(), m);
		setup.sink().onStep(metrics);
		return metrics;
	}

	private record Batch(ModelInputs inputs, NDArray labels, long tokens) {
	}

	/** Right-padded prompt + answer rows; labels only on the answer (its {@code <|im_end|>} included). */
	private Batch batch(NDManager manager, List<TrainingSample> samples) {
		long pad = setup.tokenizer().specialTokens().pad();
		List<long[]> rows = new ArrayList<>();
		List<Integer> promptLengths = new ArrayList<>();
		List<float[]> pixels = new ArrayList<>();
		List<long[]> grids = new ArrayList<>();
		for (TrainingSample sample : samples) {
			PreparedPrompt prompt = PreparedPrompt.of(sample, config.promptTemplate().replace("{question}", sample.question()),
					chat, setup.images());
			long[] answer = setup.tokenizer().encode(sample.solution() + "<|im_end|>");
			long[] row = Arrays.copyOf(prompt.ids(), prompt.ids().length + answer.length);
			System.arraycopy(answer, 0, row, prompt.ids().length, answer.length);
			rows.add(row);
			promptLengths.add(prompt.ids().length);
			if (prompt.hasImages()) {
				pixels.add(prompt.images().pixelValues());
				grids.addAll(Arrays.asList(prompt.images().gridThw()));
			}
		}
		int length = rows.stream().mapToInt((r) -> r.length).max().orElseThrow();
		long[] ids = new long[rows.size() * length];
		long[] mask = new long[ids.length];
		long[] labels = new long[ids.length];
		Arrays.fill(ids, pad);
		Arrays.fill(labels, SftLoss.IGNORE);
		long tokens = 0;
		for (int b = 0; b < rows.size(); b++) {
			long[] row = rows.get(b);
			System.arraycopy(row, 0, ids, b * length, row.length);
			Arrays.fill(mask, b * length, b * length + row.length, 1);
			System.arraycopy(row, promptLengths.get(b), labels, b * length + promptLengths.get(b),
					row.length - promptLengths.get(b));
			tokens += row.length;
		}
		Shape shape = new Shape(rows.size(), length);
		ModelInputs inputs = ModelInputs.of(manager.create(ids, shape)).withAttentionMask(manager.create(mask, shape));
		if (!grids.isEmpty()) {
			float[] flat = new float[pixels.stream().mapToInt((p) -> p.length).sum()];
			int o = 0;
			for (float[] p : pixels) {
				System.arraycopy(p, 0, flat, o, p.length);
				o += p.length;
			}
			int dim = setup.policy().config().vision().patchDim();
			inputs = inputs.withImages(manager.create(flat, new Shape(flat.length / dim, dim)), grids.toArray(long[][]::new));
		}
		return new Batch(inputs, manager.create(labels, shape), tokens);
	}

	public Path save() {
		if (setup.outputDir() == null) {
			throw new IllegalStateException("no output directory configured");
		}
		var state = TrainerCheckpoint.State.of(globalStep, order, config.seed());
		if (setup.policy().lora() != null) {
			return TrainerCheckpoint.saveAdapter(setup.outputDir(), setup.baseModel(), setup.tokenizer().specialTokens(),
					setup.policy().lora(), adamW, state);
		}
		return TrainerCheckpoint.save(setup.outputDir(), setup.baseModel(), setup.tokenizer().specialTokens(),
				setup.policy().parameters(), adamW, state);
	}

	public long globalStep() {
		return globalStep;
	}

	@Override
	public void close() {
		adamW.close();
	}

}

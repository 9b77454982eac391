package dev.vlmr1.studio.train;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.training.GradientCollector;
import org.jspecify.annotations.Nullable;

import dev.vlmr1.studio.model.ChatTemplate;
import dev.vlmr1.studio.model.image.ImageProcessor;
import dev.vlmr1.studio.model.text.LayerCheckpoints;
import dev.vlmr1.studio.model.tokenizer.QwenTokenizer;

/**
 * GRPO training (GRPO.md) as one explicit step loop: rollouts → rewards → advantages → per-token log-probs → loss →
 * backward per micro-batch → clip → AdamW → schedule → metrics. Samples, rewards and metrics cross the boundary
 * through {@link TrainingSample}, {@link RewardScorer} and {@link MetricSink}; the trainer knows no database.
 *
 * <p>Everything random derives from {@code seed} and the step ({@link Seeds}, {@link DataOrder}), so a run resumed
 * from a checkpoint continues exactly as the uninterrupted run would.
 */
public final class GrpoTrainer implements AutoCloseable {

	/**
	 * What a run needs besides its configuration.
	 *
	 * @param policy the model being trained (its parameters are updated in place)
	 * @param reference a frozen copy of the initial policy, required when β &gt; 0 for full fine-tuning, else null;
	 * null under LoRA, whose reference is the policy with its adapters off
	 * @param baseModel the checkpoint directory the policy came from (config, tokenizer, preprocessor files for saves)
	 * @param outputDir where checkpoints go, or null for none
	 */
	public record Setup(Policy policy, @Nullable Policy reference, QwenTokenizer tokenizer, ImageProcessor images,
			RewardScorer rewards, List<TrainingSample> samples, MetricSink sink, Path baseModel, @Nullable Path outputDir) {
	}

	private final Setup setup;

	private final GrpoConfig config;

	private final ChatTemplate chat;

	private final RolloutCollector collector;

	private final AdamW adamW;

	private final LrSchedule schedule;

	private final DataOrder order;

	private long globalStep;

	private @Nullable RolloutBuffer rollouts;

	private long tokensSeen;

	/** Mixed into the dropout seeds so they never coincide with the sampling seeds of the same step. */
	private static final long DROPOUT_STREAM = 0x4C6F5241L;

	/**
	 * @throws IllegalArgumentException when β &gt; 0 without a reference for full fine-tuning, or with one under
	 * LoRA (the policy with its adapters off is the reference: a copy would only cost memory)
	 */
	public GrpoTrainer(Setup setup, GrpoConfig config) {
		if (config.lora() != null && setup.reference() != null) {
			throw new IllegalArgumentException("a LoRA run's KL reference is its base model with the adapters off: "
					+ "pass no reference model");
		}
		if (config.lora() == null && config.beta() > 0 && setup.reference() == null) {
			throw new IllegalArgumentException("β = " + config.beta() + " needs a reference model");
		}
		setup.policy().prepareLora(config.lora(), config.seed());
		setup.policy().requireDtype(config.torchDtype());
		this.setup = setup;
		this.config = config;
		this.chat = new ChatTemplate(setup.tokenizer());
		Policy reference = config.beta() <= 0 ? null
				: config.lora() != null ? setup.policy().withoutAdapters() : setup.reference();
		this.collector = new RolloutCollector(setup.policy(), reference, setup.tokenizer(), setup.rewards(), config);
		this.adamW = new AdamW(setup.policy().manager(), config.adamW());
		this.schedule = config.schedule(setup.samples().size());
		this.order = new DataOrder(setup.samples().size(), config.seed());
	}

	/** Continues from a committed checkpoint whose weights {@code setup.policy()} was loaded from. */
	public void resumeFrom(Path checkpoint) {
		TrainerCheckpoint.State state = TrainerCheckpoint.readState(checkpoint);
		if (state.seed() != config.seed()) {
			throw new IllegalArgumentException("checkpoint seed " + state.seed() + " differs from the run's " + config.seed());
		}
		if (state.globalStep() % config.numIterations() != 0) {
			throw new IllegalArgumentException("checkpoints resume only between rollout batches (step % μ = 0)");
		}
		if (setup.policy().lora() != null) {
			TrainerCheckpoint.restoreAdapter(checkpoint, setup.policy().lora());
		}
		TrainerCheckpoint.restoreOptimizer(checkpoint, adamW, setup.policy().manager());
		order.restore(state.data());
		globalStep = state.globalStep();
	}

	/** Runs until the planned number of steps, saving every {@code saveSteps} and at the end. */
	public void train() {
		while (globalStep < schedule.totalSteps()) {
			step();
			boolean last = globalStep == schedule.totalSteps();
			if (setup.outputDir() != null && globalStep % config.numIterations() == 0
					&& (last || (config.saveSteps() > 0 && globalStep % config.saveSteps() == 0))) {
				save();
			}
		}
	}

	/** One optimiser step; returns its metrics (also sent to the sink). */
	public StepMetrics step() {
		long start = System.nanoTime();
		Map<String, Double> m = new LinkedHashMap<>();
		if (rollouts == null || globalStep % config.numIterations() == 0) {
			closeRollouts();
			List<PreparedPrompt> prompts = order.next(config.promptsPerStep())
				.stream()
				.map((i) -> PreparedPrompt.of(setup.samples().get(i), config.prompt(setup.samples().get(i).question()),
						chat, setup.images()))
				.toList();
			rollouts = collector.collect(prompts, globalStep, m);
			tokensSeen += rollouts.tokens();
			setup.sink().onRollouts(rollouts.records());
		}
		m.putAll(rollouts.metrics());

		long trainStart = System.nanoTime();
		Map<String, NDArray> trainable = GrpoStep.prepareGradients(setup.policy(), config.freezeVision());
		GrpoLoss loss = config.loss();
		var accumulation = new GrpoLoss.Accumulation(Math.max(1, rollouts.micros().size()), rollouts.stepSequences(),
				rollouts.stepTokens());
		double lossSum = 0;
		double tokens = Math.max(1, rollouts.stepTokens());
		double kl = 0, low = 0, high = 0, region = 0;
		int microIndex = 0;
		for (RolloutBuffer.Micro micro : rollouts.micros()) {
			// the batch's arrays belong to the rollouts (reused for μ steps), so the forward's outputs would join them
			// and live until the next rollouts: the scope frees each micro-batch's activations after its backward
			try (NDScope activations = new NDScope();
					var dropout = setup.policy().training(Seeds.of(config.seed() ^ DROPOUT_STREAM, globalStep, microIndex++));
					GradientCollector gc = setup.policy().manager().getEngine().newGradientCollector();
					LayerCheckpoints checkpoints = setup.policy().checkpointing(config.gradientCheckpointing())) {
				GrpoBatch batch = micro.batch();
				NDArray logps = TokenLogProbs.of(setup.policy(), batch.modelInputs(), batch.completionLength(),
						config.temperature());
				NDArray old = micro.oldLogps() != null ? micro.oldLogps() : logps.stopGradient();
				GrpoLoss.Result r = loss.compute(logps, old, micro.refLogps(), batch.advantages(),
						batch.completionMask(), accumulation);
				gc.backward(r.loss());
				checkpoints.backward();
				setup.policy().checkDevices(setup.policy().manager());
				// token-weighted means over the step, as TRL gathers them
				double w = batch.completionMask().sum().getFloat() / tokens;
				lossSum += r.loss().getFloat();
				kl += Double.isNaN(r.klMean()) ? 0 : r.klMean() * w;
				low += r.clipLow() * w;
				high += r.clipHigh() * w;
				region += r.clipRegion() * w;
			}
		}
		m.put("time/train", seconds(trainStart));

		long optimizerStart = System.nanoTime();
		double lr = schedule.learningRate(globalStep);
		double gradNorm = rollouts.micros().isEmpty() ? 0
				: GrpoStep.applyUpdate(trainable, new GrpoStep.Optimization(adamW, lr, config.maxGradNorm(),
						config.freezeVision()));
		m.put("time/optimizer", seconds(optimizerStart));
		// parameters, optimizer states and the rollout buffer: everything the run keeps on the policy's manager
		setup.policy().checkDevices(setup.policy().manager());
		globalStep++;

		m.put("loss", lossSum);
		m.put("grad_norm", gradNorm);
		m.put("learning_rate", lr);
		m.put("epoch", order.epochs());
		if (config.beta() > 0) {
			m.put("kl", kl);
		}
		m.put("clip_ratio/low_mean", low);
		m.put("clip_ratio/high_mean", high);
		m.put("clip_ratio/region_mean", region);
		m.put("num_tokens", (double) tokensSeen);
		double stepTime = seconds(start);
		m.put("step_time", stepTime);
		m.put("tokens_per_second", rollouts.tokens() / stepTime);
		StepMetrics metrics = new StepMetrics(globalStep, schedule.totalSteps(), m);
		setup.sink().onStep(metrics);
		return metrics;
	}

	/** Writes a checkpoint of the current state into the output directory. */
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

	public int totalSteps() {
		return schedule.totalSteps();
	}

	private void closeRollouts() {
		if (rollouts != null) {
			rollouts.close();
			rollouts = null;
		}
	}

	private static double seconds(long start) {
		return (System.nanoTime() - start) / 1e9;
	}

	@Override
	public void close() {
		closeRollouts();
		adamW.close();
	}

}

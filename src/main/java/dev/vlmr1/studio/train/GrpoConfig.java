package dev.vlmr1.studio.train;

import org.jspecify.annotations.Nullable;

import dev.vlmr1.studio.model.TorchDtype;
import dev.vlmr1.studio.model.lora.LoraConfig;

/**
 * Every setting of a GRPO run, named as TRL's {@code GRPOConfig} / VLM-R1's arguments (camel-cased), with VLM-R1's
 * defaults (GRPO.md): lr 1e-6 with linear decay and no warmup, weight decay 0, β 0.04, ε 0.2, G = 8,
 * max_completion_length 256, loss {@code grpo}, group-scaled advantages.
 *
 * <p>Batching follows TRL: {@code perDeviceTrainBatchSize} counts completions per micro-batch (a multiple of
 * {@code numGenerations}, so each micro-batch holds whole groups) and {@code gradientAccumulationSteps} micro-batches
 * make one optimiser step, so a step sees perDeviceTrainBatchSize·accumulation / G prompts.
 *
 * @param maxSteps optimiser steps to run; ≤ 0 means {@code numTrainEpochs} passes over the data (× μ)
 * @param epsilon ε_low of the clipped surrogate
 * @param epsilonHigh ε_high (DAPO's clip-higher uses e.g. 0.28)
 * @param numIterations μ, optimiser steps per batch of rollouts
 * @param saveSteps write a checkpoint every this many steps (0 = only at the end)
 * @param logRollouts completions per step passed to {@link MetricSink#onRollouts}
 * @param promptTemplate the user turn's text, with {@code {question}} replaced by the sample's question
 * @param lora LoRA adapters to train instead of the whole model (the KL reference is then the policy with its
 * adapters off), or null for full fine-tuning
 * @param torchDtype the precision of the frozen base's weights; float16 needs {@code lora} (a frozen base)
 * @param gradientCheckpointing recompute the decoder layers' activations in backward instead of keeping them
 */
public record GrpoConfig(double learningRate, LrSchedule.Type lrSchedulerType, int warmupSteps, double warmupRatio,
		double weightDecay, double adamBeta1, double adamBeta2, double adamEpsilon, double maxGradNorm, int numGenerations,
		int perDeviceTrainBatchSize, int gradientAccumulationSteps, int numTrainEpochs, int maxSteps,
		int maxCompletionLength, double temperature, int topK, double topP, double beta, double epsilon,
		double epsilonHigh, LossType lossType, ScaleRewards scaleRewards, int numIterations,
		boolean maskTruncatedCompletions, boolean skipZeroVarianceGroups, boolean freezeVision, long seed, int saveSteps,
		int logRollouts, String promptTemplate, @Nullable LoraConfig lora, TorchDtype torchDtype,
		boolean gradientCheckpointing) {

	/** VLM-R1's default template for counting, OVD, math and other tasks. */
	public static final String DEFAULT_TEMPLATE = "{question} First output the thinking process in <think> </think> tags "
			+ "and then output the final answer in <answer> </answer> tags.";

	/** VLM-R1's REC template. */
	public static final String REC_TEMPLATE = "{question} First output the thinking process in <think> </think> tags "
			+ "and then output the final answer in <answer> </answer> tags. Output the final answer in JSON format.";

	public GrpoConfig {
		if (numGenerations < 2) {
			throw new IllegalArgumentException("num_generations must be at least 2 (advantages are group-relative)");
		}
		if (perDeviceTrainBatchSize < numGenerations || perDeviceTrainBatchSize % numGenerations != 0) {
			throw new IllegalArgumentException("per_device_train_batch_size " + perDeviceTrainBatchSize
					+ " must be a multiple of num_generations " + numGenerations);
		}
		if (gradientAccumulationSteps < 1 || numIterations < 1 || maxCompletionLength < 1 || logRollouts < 0
				|| saveSteps < 0 || (maxSteps <= 0 && numTrainEpochs < 1)) {
			throw new IllegalArgumentException(
					"need gradient_accumulation_steps, num_iterations, max_completion_length ≥ 1 and steps or epochs");
		}
		if (!(temperature > 0)) {
			throw new IllegalArgumentException("GRPO samples: temperature must be > 0, was " + temperature);
		}
		if (!promptTemplate.contains("{question}")) {
			throw new IllegalArgumentException("the prompt template has no {question} placeholder");
		}
		SftConfig.requireFrozenBase(torchDtype, lora);
	}

	/** VLM-R1's defaults, with one prompt (G completions) per step. */
	public static GrpoConfig defaults() {
		return new GrpoConfig(1e-6, LrSchedule.Type.LINEAR, 0, 0.0, 0.0, 0.9, 0.999, 1e-8, 1.0, 8, 8, 1, 2, 0, 256, 1.0,
				0, 1.0, 0.04, 0.2, 0.2, LossType.GRPO, ScaleRewards.GROUP, 1, false, false, false, 42, 0, 4,
				DEFAULT_TEMPLATE, null, TorchDtype.FLOAT32, false);
	}

	/** Prompts per optimiser step. */
	public int promptsPerStep() {
		return perDeviceTrainBatchSize / numGenerations * gradientAccumulationSteps;
	}

	/**
	 * The optimiser steps of the run for a dataset of {@code samples} prompts.
	 * @throws IllegalArgumentException when that many steps do not fit an int (epochs × batches × μ, in long)
	 */
	public int totalSteps(int samples) {
		if (maxSteps > 0) {
			return maxSteps;
		}
		long batches = Math.max(1, ((long) samples + promptsPerStep() - 1) / promptsPerStep());
		long steps = Math.multiplyExact(Math.multiplyExact((long) numTrainEpochs, batches), (long) numIterations);
		if (steps > Integer.MAX_VALUE) {
			throw new IllegalArgumentException("num_train_epochs × batches × num_iterations = " + steps
					+ " optimiser steps, more than " + Integer.MAX_VALUE + "; set max_steps or fewer epochs");
		}
		return (int) steps;
	}

	/** VLM-R1's REC template when every sample is REC, else the general one. */
	public static String promptTemplate(java.util.Collection<String> taskTypes) {
		return taskTypes.size() == 1 && taskTypes.contains("rec") ? REC_TEMPLATE : DEFAULT_TEMPLATE;
	}

	/** The user turn for a question. */
	public String prompt(String question) {
		return promptTemplate.replace("{question}", question);
	}

	public AdamW.Settings adamW() {
		return new AdamW.Settings(adamBeta1, adamBeta2, adamEpsilon, weightDecay);
	}

	public GrpoLoss loss() {
		return new GrpoLoss(lossType, beta, epsilon, epsilonHigh, maxCompletionLength);
	}

	public LrSchedule schedule(int samples) {
		return LrSchedule.of(lrSchedulerType, learningRate, totalSteps(samples), warmupSteps, warmupRatio);
	}

	/** Starts from {@link #defaults()}; each setter names a field. */
	public static Builder builder() {
		return new Builder(defaults());
	}

	/** This config as a builder, to change a few fields. */
	public Builder toBuilder() {
		return new Builder(this);
	}

	/** Mutable twin of {@link GrpoConfig}; {@link #build()} validates. */
	public static final class Builder {

		private double learningRate;

		private LrSchedule.Type lrSchedulerType;

		private int warmupSteps;

		private double warmupRatio;

		private double weightDecay;

		private double adamBeta1;

		private double adamBeta2;

		private double adamEpsilon;

		private double maxGradNorm;

		private int numGenerations;

		private int perDeviceTrainBatchSize;

		private int gradientAccumulationSteps;

		private int numTrainEpochs;

		private int maxSteps;

		private int maxCompletionLength;

		private double temperature;

		private int topK;

		private double topP;

		private double beta;

		private double epsilon;

		private double epsilonHigh;

		private LossType lossType;

		private ScaleRewards scaleRewards;

		private int numIterations;

		private boolean maskTruncatedCompletions;

		private boolean skipZeroVarianceGroups;

		private boolean freezeVision;

		private long seed;

		private int saveSteps;

		private int logRollouts;

		private String promptTemplate;

		private @Nullable LoraConfig lora;

		private TorchDtype torchDtype;

		private boolean gradientCheckpointing;

		private Builder(GrpoConfig c) {
			this.learningRate = c.learningRate;
			this.lrSchedulerType = c.lrSchedulerType;
			this.warmupSteps = c.warmupSteps;
			this.warmupRatio = c.warmupRatio;
			this.weightDecay = c.weightDecay;
			this.adamBeta1 = c.adamBeta1;
			this.adamBeta2 = c.adamBeta2;
			this.adamEpsilon = c.adamEpsilon;
			this.maxGradNorm = c.maxGradNorm;
			this.numGenerations = c.numGenerations;
			this.perDeviceTrainBatchSize = c.perDeviceTrainBatchSize;
			this.gradientAccumulationSteps = c.gradientAccumulationSteps;
			this.numTrainEpochs = c.numTrainEpochs;
			this.maxSteps = c.maxSteps;
			this.maxCompletionLength = c.maxCompletionLength;
			this.temperature = c.temperature;
			this.topK = c.topK;
			this.topP = c.topP;
			this.beta = c.beta;
			this.epsilon = c.epsilon;
			this.epsilonHigh = c.epsilonHigh;
			this.lossType = c.lossType;
			this.scaleRewards = c.scaleRewards;
			this.numIterations = c.numIterations;
			this.maskTruncatedCompletions = c.maskTruncatedCompletions;
			this.skipZeroVarianceGroups = c.skipZeroVarianceGroups;
			this.freezeVision = c.freezeVision;
			this.seed = c.seed;
			this.saveSteps = c.saveSteps;
			this.logRollouts = c.logRollouts;
			this.promptTemplate = c.promptTemplate;
			this.lora = c.lora;
			this.torchDtype = c.torchDtype;
			this.gradientCheckpointing = c.gradientCheckpointing;
		}

		public Builder learningRate(double value) {
			this.learningRate = value;
			return this;
		}

		public Builder lrSchedulerType(LrSchedule.Type value) {
			this.lrSchedulerType = value;
			return this;
		}

		public Builder warmupSteps(int value) {
			this.warmupSteps = value;
			return this;
		}

		public Builder warmupRatio(double value) {
			this.warmupRatio = value;
			return this;
		}

		public Builder weightDecay(double value) {
			this.weightDecay = value;
			return this;
		}

		public Builder adamBeta1(double value) {
			this.adamBeta1 = value;
			return this;
		}

		public Builder adamBeta2(double value) {
			this.adamBeta2 = value;
			return this;
		}

		public Builder adamEpsilon(double value) {
			this.adamEpsilon = value;
			return this;
		}

		public Builder maxGradNorm(double value) {
			this.maxGradNorm = value;
			return this;
		}

		public Builder numGenerations(int value) {
			this.numGenerations = value;
			return this;
		}

		public Builder perDeviceTrainBatchSize(int value) {
			this.perDeviceTrainBatchSize = value;
			return this;
		}

		public Builder gradientAccumulationSteps(int value) {
			this.gradientAccumulationSteps = value;
			return this;
		}

		public Builder numTrainEpochs(int value) {
			this.numTrainEpochs = value;
			return this;
		}

		public Builder maxSteps(int value) {
			this.maxSteps = value;
			return this;
		}

		public Builder maxCompletionLength(int value) {
			this.maxCompletionLength = value;
			return this;
		}

		public Builder temperature(double value) {
			this.temperature = value;
			return this;
		}

		public Builder topK(int value) {
			this.topK = value;
			return this;
		}

		public Builder topP(double value) {
			this.topP = value;
			return this;
		}

		public Builder beta(double value) {
			this.beta = value;
			return this;
		}

		public Builder epsilon(double value) {
			this.epsilon = value;
			return this;
		}

		public Builder epsilonHigh(double value) {
			this.epsilonHigh = value;
			return this;
		}

		public Builder lossType(LossType value) {
			this.lossType = value;
			return this;
		}

		public Builder scaleRewards(ScaleRewards value) {
			this.scaleRewards = value;
			return this;
		}

		public Builder numIterations(int value) {
			this.numIterations = value;
			return this;
		}

		public Builder maskTruncatedCompletions(boolean value) {
			this.maskTruncatedCompletions = value;
			return this;
		}

		public Builder skipZeroVarianceGroups(boolean value) {
			this.skipZeroVarianceGroups = value;
			return this;
		}

		public Builder freezeVision(boolean value) {
			this.freezeVision = value;
			return this;
		}

		public Builder seed(long value) {
			this.seed = value;
			return this;
		}

		public Builder saveSteps(int value) {
			this.saveSteps = value;
			return this;
		}

		public Builder logRollouts(int value) {
			this.logRollouts = value;
			return this;
		}

		public Builder promptTemplate(String value) {
			this.promptTemplate = value;
			return this;
		}

		/** LoRA adapters to train, or null for full fine-tuning. */
		public Builder lora(@Nullable LoraConfig value) {
			this.lora = value;
			return this;
		}

		/** The precision of the frozen base's weights. */
		public Builder torchDtype(TorchDtype value) {
			this.torchDtype = value;
			return this;
		}

		/** Recompute the decoder layers' activations in backward instead of keeping them. */
		public Builder gradientCheckpointing(boolean value) {
			this.gradientCheckpointing = value;
			return this;
		}

		public GrpoConfig build() {
			return new GrpoConfig(learningRate, lrSchedulerType, warmupSteps, warmupRatio, weightDecay, adamBeta1, adamBeta2, adamEpsilon, maxGradNorm, numGenerations, perDeviceTrainBatchSize, gradientAccumulationSteps, numTrainEpochs, maxSteps, maxCompletionLength, temperature, topK, topP, beta, epsilon, epsilonHigh, lossType, scaleRewards, numIterations, maskTruncatedCompletions, skipZeroVarianceGroups, freezeVision, seed, saveSteps, logRollouts, promptTemplate, lora, torchDtype, gradientCheckpointing);
		}

	}

}

package dev.vlmr1.studio.train;

import org.jspecify.annotations.Nullable;

import dev.vlmr1.studio.model.TorchDtype;
import dev.vlmr1.studio.model.lora.LoraConfig;

/**
 * Settings of a supervised fine-tuning run (TRL's {@code SFTConfig} names, camel-cased): cross-entropy on the
 * assistant turn only, on the same AdamW, clipping, schedule and checkpoints as GRPO.
 *
 * @param perDeviceTrainBatchSize samples per micro-batch
 * @param maxSteps optimiser steps; ≤ 0 means {@code numTrainEpochs} passes over the data
 * @param promptTemplate the user turn, {@code {question}} replaced by the sample's question
 * @param lora LoRA adapters to train instead of the whole model, or null for full fine-tuning
 * @param torchDtype the precision of the frozen base's weights; float16 needs {@code lora} (a frozen base)
 * @param gradientCheckpointing recompute the decoder layers' activations in backward instead of keeping them
 */
public record SftConfig(double learningRate, LrSchedule.Type lrSchedulerType, int warmupSteps, double warmupRatio,
		double weightDecay, double maxGradNorm, int perDeviceTrainBatchSize, int gradientAccumulationSteps,
		int numTrainEpochs, int maxSteps, boolean freezeVision, long seed, int saveSteps, String promptTemplate,
		@Nullable LoraConfig lora, TorchDtype torchDtype, boolean gradientCheckpointing) {

	public SftConfig {
		if (perDeviceTrainBatchSize < 1 || gradientAccumulationSteps < 1 || saveSteps < 0
				|| (maxSteps <= 0 && numTrainEpochs < 1)) {
			throw new IllegalArgumentException("need batch size, accumulation ≥ 1 and steps or epochs");
		}
		if (!promptTemplate.contains("{question}")) {
			throw new IllegalArgumentException("the prompt template has no {question} placeholder");
		}
		requireFrozenBase(torchDtype, lora);
	}

	/** Base weights in float32, without gradient checkpointing. */
	public SftConfig(double learningRate, LrSchedule.Type lrSchedulerType, int warmupSteps, double warmupRatio,
			double weightDecay, double maxGradNorm, int perDeviceTrainBatchSize, int gradientAccumulationSteps,
			int numTrainEpochs, int maxSteps, boolean freezeVision, long seed, int saveSteps, String promptTemplate,
			@Nullable LoraConfig lora) {
		this(learningRate, lrSchedulerType, warmupSteps, warmupRatio, weightDecay, maxGradNorm, perDeviceTrainBatchSize,
				gradientAccumulationSteps, numTrainEpochs, maxSteps, freezeVision, seed, saveSteps, promptTemplate, lora,
				TorchDtype.FLOAT32, false);
	}

	/**
	 * Half-precision weights can only be frozen: AdamW on float16 parameters would round most updates away (and an
	 * update of 1e-6 is below half precision's resolution of any weight above 0.002).
	 * @throws IllegalArgumentException for float16 without LoRA adapters
	 */
	static void requireFrozenBase(TorchDtype torchDtype, @Nullable LoraConfig lora) {
		if (torchDtype != TorchDtype.FLOAT32 && lora == null) {
			throw new IllegalArgumentException("torch_dtype " + torchDtype.id()
					+ " holds the base model's weights frozen in half precision, so it needs LoRA (lora_r > 0): "
					+ "full fine-tuning trains float32 weights");
		}
	}

	/** Full fine-tuning. */
	public SftConfig(double learningRate, LrSchedule.Type lrSchedulerType, int warmupSteps, double warmupRatio,
			double weightDecay, double maxGradNorm, int perDeviceTrainBatchSize, int gradientAccumulationSteps,
			int numTrainEpochs, int maxSteps, boolean freezeVision, long seed, int saveSteps, String promptTemplate) {
		this(learningRate, lrSchedulerType, warmupSteps, warmupRatio, weightDecay, maxGradNorm, perDeviceTrainBatchSize,
				gradientAccumulationSteps, numTrainEpochs, maxSteps, freezeVision, seed, saveSteps, promptTemplate, null);
	}

	/** lr 1e-5, linear decay, no weight decay, one sample per step, 1 epoch. */
	public static SftConfig defaults() {
		return new SftConfig(1e-5, LrSchedule.Type.LINEAR, 0, 0.0, 0.0, 1.0, 1, 1, 1, 0, false, 42, 0, "{question}");
	}

	public SftConfig withSteps(int steps, double learningRate) {
		return new SftConfig(learningRate, lrSchedulerType, warmupSteps, warmupRatio, weightDecay, maxGradNorm,
				perDeviceTrainBatchSize, gradientAccumulationSteps, numTrainEpochs, steps, freezeVision, seed, saveSteps,
				promptTemplate, lora, torchDtype, gradientCheckpointing);
	}

	/** The same settings training LoRA adapters (or the whole model when null). */
	public SftConfig withLora(@Nullable LoraConfig adapters) {
		return new SftConfig(learningRate, lrSchedulerType, warmupSteps, warmupRatio, weightDecay, maxGradNorm,
				perDeviceTrainBatchSize, gradientAccumulationSteps, numTrainEpochs, maxSteps, freezeVision, seed, saveSteps,
				promptTemplate, adapters, torchDtype, gradientCheckpointing);
	}

	/** The same settings with the base's weights held in {@code dtype}. */
	public SftConfig withTorchDtype(TorchDtype dtype) {
		return new SftConfig(learningRate, lrSchedulerType, warmupSteps, warmupRatio, weightDecay, maxGradNorm,
				perDeviceTrainBatchSize, gradientAccumulationSteps, numTrainEpochs, maxSteps, freezeVision, seed, saveSteps,
				promptTemplate, lora, dtype, gradientCheckpointing);
	}

	/** The same settings with the decoder layers' activations recomputed in backward (or kept, when false). */
	public SftConfig withGradientCheckpointing(boolean on) {
		return new SftConfig(learningRate, lrSchedulerType, warmupSteps, warmupRatio, weightDecay, maxGradNorm,
				perDeviceTrainBatchSize, gradientAccumulationSteps, numTrainEpochs, maxSteps, freezeVision, seed, saveSteps,
				promptTemplate, lora, torchDtype, on);
	}

	public int samplesPerStep() {
		return perDeviceTrainBatchSize * gradientAccumulationSteps;
	}

	public int totalSteps(int samples) {
		return maxSteps > 0 ? maxSteps : numTrainEpochs * Math.max(1, (samples + samplesPerStep() - 1) / samplesPerStep());
	}

	public LrSchedule schedule(int samples) {
		return LrSchedule.of(lrSchedulerType, learningRate, totalSteps(samples), warmupSteps, warmupRatio);
	}

}

package dev.vlmr1.studio.executor;

import java.util.Map;

import org.jspecify.annotations.Nullable;

import dev.vlmr1.studio.model.lora.LoraConfig;
import dev.vlmr1.studio.model.lora.LoraTargets;
import dev.vlmr1.studio.train.GrpoConfig;
import dev.vlmr1.studio.train.LossType;
import dev.vlmr1.studio.train.LrSchedule;
import dev.vlmr1.studio.train.ScaleRewards;
import dev.vlmr1.studio.train.SftConfig;

/**
 * A run's hyperparameters (GRPO.md names, defaults filled in by the run module) as the trainers' configurations.
 * An invalid combination the run module let through fails the attempt as {@link FailureKind#SETUP}.
 */
final class TrainerConfigs {

	private TrainerConfigs() {
	}

	static GrpoConfig grpo(Map<String, Object> hp, String promptTemplate) {
		GrpoConfig d = GrpoConfig.defaults();
		double epsilon = number(hp, "epsilon", d.epsilon());
		try {
			return d.toBuilder()
				.learningRate(number(hp, "learning_rate", d.learningRate()))
				.numGenerations(integer(hp, "num_generations", d.numGenerations()))
				.perDeviceTrainBatchSize(integer(hp, "per_device_train_batch_size", d.perDeviceTrainBatchSize()))
				.gradientAccumulationSteps(integer(hp, "gradient_accumulation_steps", 1))
				.maxSteps(Math.max(0, integer(hp, "max_steps", 0)))
				.numTrainEpochs(epochs(hp))
				.beta(number(hp, "beta", d.beta()))
				.epsilon(epsilon)
				.epsilonHigh(number(hp, "epsilon_high", epsilon))
				.lossType(LossType.parse(text(hp, "loss_type", d.lossType().id())))
				.scaleRewards(ScaleRewards.parse(text(hp, "scale_rewards", "group")))
				.temperature(number(hp, "temperature", d.temperature()))
				.topK(integer(hp, "top_k", 0))
				.topP(number(hp, "top_p", 1.0))
				.maxCompletionLength(integer(hp, "max_completion_length", d.maxCompletionLength()))
				.numIterations(integer(hp, "num_iterations", 1))
				.maskTruncatedCompletions(flag(hp, "mask_truncated_completions"))
				.skipZeroVarianceGroups(flag(hp, "skip_zero_variance_groups"))
				.freezeVision(flag(hp, "freeze_vision"))
				.maxGradNorm(number(hp, "max_grad_norm", d.maxGradNorm()))
				.weightDecay(number(hp, "weight_decay", d.weightDecay()))
				.lrSchedulerType(LrSchedule.Type.parse(text(hp, "lr_scheduler_type", "linear")))
				.warmupSteps(integer(hp, "warmup_steps", 0))
				.warmupRatio(number(hp, "warmup_ratio", 0))
				.seed(integer(hp, "seed", 42))
				.saveSteps(integer(hp, "save_steps", 100))
				.promptTemplate(promptTemplate)
				.lora(lora(hp))
				.gradientCheckpointing(flag(hp, "gradient_checkpointing"))
				.build();
		}
		catch (IllegalArgumentException ex) {
			throw new TrainingFailure(FailureKind.SETUP, "invalid GRPO configuration: " + ex.getMessage());
		}
	}

	static SftConfig sft(Map<String, Object> hp, String promptTemplate) {
		try {
			return new SftConfig(number(hp, "learning_rate", 1e-5),
					LrSchedule.Type.parse(text(hp, "lr_scheduler_type", "linear")), integer(hp, "warmup_steps", 0),
					number(hp, "warmup_ratio", 0), number(hp, "weight_decay", 0), number(hp, "max_grad_norm", 1.0),
					integer(hp, "per_device_train_batch_size", 1), integer(hp, "gradient_accumulation_steps", 1),
					epochs(hp), Math.max(0, integer(hp, "max_steps", 0)), flag(hp, "freeze_vision"),
					integer(hp, "seed", 42), integer(hp, "save_steps", 100), promptTemplate, lora(hp),
					flag(hp, "gradient_checkpointing"));
		}
		catch (IllegalArgumentException ex) {
			throw new TrainingFailure(FailureKind.SETUP, "invalid SFT configuration: " + ex.getMessage());
		}
	}

	/**
	 * LoRA adapters when {@code lora_r} &gt; 0 (rank, {@code lora_alpha}, {@code lora_dropout}, the
	 * {@code lora_target_modules} preset), else null: full fine-tuning.
	 */
	static @Nullable LoraConfig lora(Map<String, Object> hp) {
		int r = integer(hp, "lora_r", 0);
		if (r <= 0) {
			return null;
		}
		return new LoraConfig(r, number(hp, "lora_alpha", 128), number(hp, "lora_dropout", 0.05),
				LoraTargets.preset(text(hp, "lora_target_modules", "decoder")));
	}

	/** Whole passes over the data; a fractional {@code num_train_epochs} rounds up. */
	private static int epochs(Map<String, Object> hp) {
		return (int) Math.max(1, Math.ceil(number(hp, "num_train_epochs", 1)));
	}

	static int integer(Map<String, Object> hp, String name, int fallback) {
		return hp.get(name) instanceof Number n ? n.intValue() : fallback;
	}

	static double number(Map<String, Object> hp, String name, double fallback) {
		return hp.get(name) instanceof Number n ? n.doubleValue() : fallback;
	}

	private static String text(Map<String, Object> hp, String name, String fallback) {
		return hp.get(name) instanceof String s ? s : fallback;
	}

	private static boolean flag(Map<String, Object> hp, String name) {
		return hp.get(name) instanceof Boolean b && b;
	}

}

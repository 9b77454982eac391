package dev.vlmr1.studio.train;

import java.util.Locale;

/**
 * Learning-rate schedules with Hugging Face's semantics ({@code transformers.optimization.get_scheduler}): the
 * multiplier for optimiser step k (0-based) of {@code totalSteps}.
 *
 * <ul>
 * <li>{@code constant}: 1 (HF ignores warmup for this type);</li>
 * <li>{@code constant_with_warmup}: k / w during warmup, then 1;</li>
 * <li>{@code linear}: k / w during warmup, then (N − k) / (N − w), never below 0;</li>
 * <li>{@code cosine}: k / w during warmup, then ½(1 + cos(π·(k − w)/(N − w))), never below 0.</li>
 * </ul>
 * Warmup steps come from {@code warmupSteps} when positive, else ⌈ratio·N⌉ (HF's {@code get_warmup_steps}).
 */
public record LrSchedule(Type type, double baseLearningRate, int totalSteps, int warmupSteps) {

	/** The scheduler types HF names {@code lr_scheduler_type}. */
	public enum Type {

		CONSTANT, CONSTANT_WITH_WARMUP, LINEAR, COSINE;

		public static Type parse(String value) {
			try {
				return valueOf(value.toUpperCase(Locale.ROOT).replace('-', '_'));
			}
			catch (IllegalArgumentException ex) {
				throw new IllegalArgumentException(
						"lr_scheduler_type must be constant, constant_with_warmup, linear or cosine, not " + value);
			}
		}

	}

	public LrSchedule {
		if (totalSteps < 1 || warmupSteps < 0 || !(baseLearningRate >= 0)) {
			throw new IllegalArgumentException("need total steps ≥ 1, warmup ≥ 0, lr ≥ 0");
		}
	}

	/** Warmup given as steps (if > 0) or as a fraction of the total, as HF's {@code TrainingArguments}. */
	public static LrSchedule of(Type type, double baseLearningRate, int totalSteps, int warmupSteps,
			double warmupRatio) {
		if (warmupRatio < 0 || warmupRatio > 1) {
			throw new IllegalArgumentException("warmup ratio must be in [0, 1], was " + warmupRatio);
		}
		int warmup = warmupSteps > 0 ? warmupSteps : (int) Math.ceil(totalSteps * warmupRatio);
		return new LrSchedule(type, baseLearningRate, totalSteps, warmup);
	}

	/** The learning rate used for optimiser step {@code step} (0-based). */
	public double learningRate(long step) {
		return baseLearningRate * multiplier(step);
	}

	/** The schedule's factor on the base learning rate at {@code step} (0-based). */
	public double multiplier(long step) {
		if (type == Type.CONSTANT) {
			return 1.0;
		}
		if (step < warmupSteps) {
			return (double) step / Math.max(1, warmupSteps);
		}
		double decaySteps = Math.max(1, totalSteps - warmupSteps);
		return switch (type) {
			case CONSTANT, CONSTANT_WITH_WARMUP -> 1.0;
			case LINEAR -> Math.max(0.0, (totalSteps - step) / decaySteps);
			case COSINE -> Math.max(0.0, 0.5 * (1 + Math.cos(Math.PI * (step - warmupSteps) / decaySteps)));
		};
	}

}

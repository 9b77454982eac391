package dev.vlmr1.studio.executor;

import java.util.Map;

import dev.vlmr1.studio.train.GrpoConfig;
import dev.vlmr1.studio.train.SftConfig;
import dev.vlmr1.studio.train.TrainingSpec;

/**
 * A run's hyperparameters (validated by {@link TrainingSpec} when the run was created) as the trainers'
 * configurations. A combination the trainer still refuses fails the attempt as {@link FailureKind#SETUP}.
 */
final class TrainerConfigs {

	private TrainerConfigs() {
	}

	static GrpoConfig grpo(Map<String, Object> hp, String promptTemplate) {
		try {
			return TrainingSpec.grpo(hp, promptTemplate);
		}
		catch (IllegalArgumentException | ClassCastException ex) {
			throw new TrainingFailure(FailureKind.SETUP, "invalid GRPO configuration: " + ex.getMessage());
		}
	}

	static SftConfig sft(Map<String, Object> hp, String promptTemplate) {
		try {
			return TrainingSpec.sft(hp, promptTemplate);
		}
		catch (IllegalArgumentException | ClassCastException ex) {
			throw new TrainingFailure(FailureKind.SETUP, "invalid SFT configuration: " + ex.getMessage());
		}
	}

	/** An integer setting of the run, its default when the run was stored before the setting existed. */
	static int integer(Map<String, Object> hp, String name) {
		return TrainingSpec.intValue(hp, name);
	}

}

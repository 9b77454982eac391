package dev.vlmr1.studio.executor;

import java.util.function.Function;

import dev.vlmr1.studio.run.RunDetails;

/**
 * Chooses the {@link TrainingJob} for a run. Until the real GRPO/SFT trainer adapter exists every run
 * executes the {@link FakeTrainer}, configured by the run's {@code fake_trainer} hyperparameter or the
 * worker's {@code studio.executor.fake} setting.
 */
final class TrainingJobs {

	private TrainingJobs() {
	}

	static Function<RunDetails, TrainingJob> from(ExecutorProperties properties) {
		return run -> switch (properties.trainer()) {
			case "fake" -> new FakeTrainer(fakeSpec(run, properties.fake()));
			default -> session -> {
				throw new TrainingFailure(FailureKind.SETUP, "unknown trainer '" + properties.trainer() + "'");
			};
		};
	}

	static FakeTrainerSpec fakeSpec(RunDetails run, String workerDefault) {
		Object perRun = run.hyperparameters().get("fake_trainer");
		try {
			return FakeTrainerSpec.parse(perRun instanceof String text ? text : workerDefault);
		}
		catch (IllegalArgumentException ex) {
			throw new TrainingFailure(FailureKind.SETUP, ex.getMessage());
		}
	}

}

package dev.vlmr1.studio.executor;

import java.util.function.Function;

import dev.vlmr1.studio.run.RunDetails;
import dev.vlmr1.studio.run.RunType;

/**
 * Chooses the {@link TrainingJob} for a run: the {@link RealTrainingJob} ({@code studio.executor.trainer=real},
 * the default), or the {@link FakeTrainer} for a run with a {@code fake_trainer} hyperparameter (reliability
 * tests) or a worker configured with {@code studio.executor.trainer=fake} (then {@code studio.executor.fake}).
 */
final class TrainingJobs {

	private TrainingJobs() {
	}

	static Function<RunDetails, TrainingJob> from(ExecutorProperties properties, TrainingInputs inputs) {
		// chosen once per worker process, at its first real run
		WorkerDevice device = new WorkerDevice(properties.device());
		return run -> run.hyperparameters().get("fake_trainer") != null ? new FakeTrainer(fakeSpec(run, properties.fake()))
				: switch (properties.trainer()) {
			case "fake" -> new FakeTrainer(fakeSpec(run, properties.fake()));
			case "real" -> run.type() == RunType.EVAL ? new EvalJob(run, inputs, device)
					: new RealTrainingJob(run, inputs, device);
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

package dev.vlmr1.studio.executor;

import java.util.List;
import java.util.ServiceLoader;
import java.util.function.Function;

import dev.vlmr1.studio.run.RunDetails;
import dev.vlmr1.studio.run.RunType;

/**
 * Chooses the {@link TrainingJob} for a run: a {@link TrainingJobProvider} the run asks for, else the worker's
 * {@code studio.executor.trainer}: {@code real} (the SFT, GRPO and evaluation jobs, the default) or the name of a
 * registered provider.
 */
final class TrainingJobs {

	private TrainingJobs() {
	}

	static Function<RunDetails, TrainingJob> from(ExecutorProperties properties, TrainingInputs inputs) {
		List<TrainingJobProvider> providers = ServiceLoader.load(TrainingJobProvider.class).stream()
			.map(ServiceLoader.Provider::get)
			.toList();
		// chosen once per worker process, at its first real run
		WorkerDevice device = new WorkerDevice(properties.device());
		return run -> {
			for (TrainingJobProvider provider : providers) {
				if (provider.wantedBy(run)) {
					return create(provider, run, properties);
				}
			}
			if (properties.trainer().equals("real")) {
				return run.type() == RunType.EVAL ? new EvalJob(run, inputs, device)
						: new RealTrainingJob(run, inputs, device);
			}
			return providers.stream()
				.filter(p -> p.name().equals(properties.trainer()))
				.findFirst()
				.map(p -> create(p, run, properties))
				.orElse(session -> {
					throw new TrainingFailure(FailureKind.SETUP, "unknown trainer '" + properties.trainer() + "'");
				});
		};
	}

	private static TrainingJob create(TrainingJobProvider provider, RunDetails run, ExecutorProperties properties) {
		try {
			return provider.create(run, properties.fake());
		}
		catch (IllegalArgumentException ex) {
			String message = ex.getMessage();
			return session -> {
				throw new TrainingFailure(FailureKind.SETUP, message);
			};
		}
	}

}

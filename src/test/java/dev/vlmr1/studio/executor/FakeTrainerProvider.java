package dev.vlmr1.studio.executor;

import dev.vlmr1.studio.run.RunDetails;

/**
 * The {@link FakeTrainer} as a worker's trainer ({@code studio.executor.trainer=fake}, settings in
 * {@code studio.executor.fake}) or for one run whose row carries a {@code fake_trainer} hyperparameter, which only
 * tests can write: the API refuses unknown hyperparameters.
 */
public final class FakeTrainerProvider implements TrainingJobProvider {

	@Override
	public String name() {
		return "fake";
	}

	@Override
	public boolean wantedBy(RunDetails run) {
		return run.hyperparameters().get("fake_trainer") != null;
	}

	@Override
	public TrainingJob create(RunDetails run, String settings) {
		Object perRun = run.hyperparameters().get("fake_trainer");
		return new FakeTrainer(FakeTrainerSpec.parse(perRun instanceof String text ? text : settings));
	}

}

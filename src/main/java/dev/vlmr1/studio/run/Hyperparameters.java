package dev.vlmr1.studio.run;

import java.util.List;
import java.util.Map;

import dev.vlmr1.studio.train.RunKind;
import dev.vlmr1.studio.train.Setting;
import dev.vlmr1.studio.train.TrainingSpec;

/**
 * A run's hyperparameters as the API validates them: {@link TrainingSpec}'s settings and rules, each problem a field
 * error {@code hyperparameters.<name>}.
 */
final class Hyperparameters {

	static final int MAX_STEPS = TrainingSpec.MAX_STEPS;

	static final int MAX_PIXELS = TrainingSpec.MAX_PIXELS;

	static final int MAX_TOKENS = TrainingSpec.MAX_TOKENS;

	static final List<Setting> SPEC = TrainingSpec.SETTINGS;

	private Hyperparameters() {
	}

	/** Every default, as the run form shows them. */
	static Map<String, Object> defaults() {
		return TrainingSpec.defaults();
	}

	/**
	 * Validates the given values for a run of {@code type}, adding every problem to {@code errors} (field
	 * {@code hyperparameters.<name>}).
	 * @return all hyperparameters, defaults filled in (meaningful only when no error was added)
	 */
	static Map<String, Object> validate(RunType type, Map<String, Object> given, List<FieldError> errors) {
		TrainingSpec.Validated result = TrainingSpec.validate(kind(type), given);
		result.problems().forEach(p -> errors.add(new FieldError("hyperparameters." + p.setting(), p.message())));
		return result.values();
	}

	static RunKind kind(RunType type) {
		return RunKind.valueOf(type.name());
	}

}

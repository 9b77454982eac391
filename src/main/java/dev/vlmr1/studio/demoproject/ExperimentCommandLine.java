package dev.vlmr1.studio.demoproject;

import java.util.Map;

/**
 * The {@code experiment rl-vs-sft} command that runs the same plan in one process, every overridable value spelled
 * out (so it reproduces the experiment even after the standard plan changes). Options are the plan's component
 * names in kebab case, {@code …LearningRate} as {@code …-lr}: {@code baseLearningRate} is {@code --base-lr}.
 */
final class ExperimentCommandLine {

	private ExperimentCommandLine() {
	}

	/** The command for a stored plan (component name → value), writing its results into {@code out}. */
	static String of(Map<String, ?> plan, String out) {
		StringBuilder line = new StringBuilder("java -jar target/vlm-r1-studio-*.jar experiment rl-vs-sft --out ")
			.append(out);
		for (String name : PlanOverrides.overridable()) {
			Object value = plan.get(name);
			if (value != null) {
				line.append(' ').append(option(name)).append(' ').append(value);
			}
		}
		return line.toString();
	}

	static String option(String component) {
		String name = component.endsWith("LearningRate")
				? component.substring(0, component.length() - "LearningRate".length()) + "Lr" : component;
		return "--" + name.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
	}

}

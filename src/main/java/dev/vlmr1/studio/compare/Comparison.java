package dev.vlmr1.studio.compare;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * Several runs side by side.
 *
 * @param runs in the order they were asked for
 * @param metrics every metric any of the runs reported (or the requested ones), evaluation metrics first, then
 * the usual training metrics, then the rest by name
 */
record Comparison(List<ComparedRun> runs, List<String> metrics) {

	/** The run ids, comma-separated, for links to the same comparison. */
	public String runIds() {
		return String.join(",", runs.stream().map(r -> Long.toString(r.id())).toList());
	}

	/**
	 * The run whose final value of {@code metric} is best, for the table's marker; null when the metric has no
	 * direction, fewer than two runs report it, or the best value is shared.
	 */
	public @Nullable Long leader(String metric) {
		MetricDirection direction = MetricDirection.of(metric);
		List<ComparedRun> reporting = runs.stream()
			.filter(r -> r.finalOf(metric) != null && !Double.isNaN(r.finalOf(metric).last()))
			.toList();
		if (direction == MetricDirection.NONE || reporting.size() < 2) {
			return null;
		}
		ComparedRun best = reporting.get(0);
		boolean shared = false;
		for (ComparedRun run : reporting.subList(1, reporting.size())) {
			double value = run.finalOf(metric).last();
			double bestValue = best.finalOf(metric).last();
			if (direction.better(value, bestValue)) {
				best = run;
				shared = false;
			}
			else if (value == bestValue) {
				shared = true;
			}
		}
		return shared ? null : best.id();
	}

	/** Every compared hyperparameter name, in first-seen order (SFT and GRPO runs have different ones). */
	public List<String> hyperparameterNames() {
		return runs.stream().flatMap(r -> r.hyperparameters().keySet().stream()).distinct().toList();
	}

}

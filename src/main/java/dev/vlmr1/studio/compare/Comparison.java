package dev.vlmr1.studio.compare;

import java.util.List;

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

	/** Every compared hyperparameter name, in first-seen order (SFT and GRPO runs have different ones). */
	public List<String> hyperparameterNames() {
		return runs.stream().flatMap(r -> r.hyperparameters().keySet().stream()).distinct().toList();
	}

}

package dev.vlmr1.studio.train;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * The metrics of one optimiser step under TRL's names ({@code loss}, {@code grad_norm}, {@code learning_rate},
 * {@code reward}, {@code rewards/<fn>/mean}, {@code clip_ratio/region_mean}, {@code completions/mean_length}, …) plus
 * phase timings in seconds ({@code time/rollout}, {@code time/reward}, {@code time/train}, {@code time/optimizer}).
 *
 * @param step optimiser steps done (1 after the first update)
 * @param totalSteps planned optimiser steps
 * @param values metric name → value
 */
public record StepMetrics(long step, long totalSteps, Map<String, Double> values) {

	public StepMetrics {
		values = Collections.unmodifiableMap(new TreeMap<>(values));
	}

	/** The value of one metric; throws if the step did not log it. */
	public double get(String name) {
		Double value = values.get(name);
		if (value == null) {
			throw new IllegalArgumentException("step " + step + " has no metric " + name);
		}
		return value;
	}

	/** Whether this step's metrics are recorded under {@code logging_steps} = {@code every}: each every-th and the last. */
	public boolean loggedEvery(int every) {
		return step % every == 0 || step >= totalSteps;
	}

}

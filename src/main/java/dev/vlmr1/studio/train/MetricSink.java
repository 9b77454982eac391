package dev.vlmr1.studio.train;

import java.util.List;

/**
 * Where a trainer reports progress. The executor stores it (JDBC/JPA) and streams it; the CLI prints it. Called on
 * the training thread after each step; implementations should be quick.
 */
public interface MetricSink {

	/** The metrics of one optimiser step. */
	void onStep(StepMetrics metrics);

	/** A sample of the step's rollouts (GRPO only). */
	default void onRollouts(List<RolloutRecord> rollouts) {
	}

	/** A sink that drops everything. */
	static MetricSink none() {
		return (metrics) -> {
		};
	}

}

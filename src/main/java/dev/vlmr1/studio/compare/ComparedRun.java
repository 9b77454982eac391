package dev.vlmr1.studio.compare;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import dev.vlmr1.studio.run.MetricPoint;
import dev.vlmr1.studio.run.RunState;

/**
 * One run of a comparison, as the API and the page show it.
 *
 * @param name a label for legends and tables: runs carry no name of their own, so it is the run number, its type
 * and its base model's catalog name (e.g. {@code #12 grpo · tiny-qwen})
 * @param hyperparameters the hyperparameters worth comparing for the run's type, in a fixed order
 * @param curves metric name → live points sorted by step
 * @param finals the final-metrics table, in the comparison's metric order
 */
record ComparedRun(long id, String name, String type, RunState state, Model model, List<Long> datasetIds,
		@Nullable Long evalDatasetId, @Nullable Long rewardConfigId, Map<String, Object> hyperparameters,
		int currentStep, @Nullable Integer totalSteps, Instant createdAt, @Nullable Instant finishedAt,
		Map<String, List<MetricPoint>> curves, List<FinalMetric> finals) {

	/** The base model; {@code name} is null when the catalog no longer has it. */
	record Model(long id, @Nullable String name) {
	}

	public @Nullable FinalMetric finalOf(String metric) {
		return finals.stream().filter(f -> f.metric().equals(metric)).findFirst().orElse(null);
	}

}

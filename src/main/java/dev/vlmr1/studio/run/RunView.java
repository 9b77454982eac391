package dev.vlmr1.studio.run;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/** A run as the REST API shows it. */
record RunView(long id, long ownerId, String type, RunState state, long version, long modelId, List<Long> datasetIds,
		@Nullable Long evalDatasetId, @Nullable Long rewardConfigId, @Nullable List<Map<String, Object>> rewardTerms,
		Map<String, Object> hyperparameters, @Nullable String stateReason, int attempt, int maxAttempts,
		int currentStep, @Nullable Integer totalSteps, @Nullable Double progress, Instant createdAt,
		@Nullable Instant startedAt, @Nullable Instant finishedAt) {

	static RunView of(RunDetails r) {
		Double progress = r.totalSteps() == null || r.totalSteps() == 0 ? null
				: Math.min(1.0, r.currentStep() / (double) r.totalSteps());
		if (r.state() == RunState.SUCCEEDED) {
			progress = 1.0;
		}
		return new RunView(r.id().value(), r.ownerId(), r.type().name().toLowerCase(java.util.Locale.ROOT), r.state(),
				r.version(), r.modelId(), r.datasetIds(), r.evalDatasetId(), r.rewardConfigId(), r.rewardTerms(),
				r.hyperparameters(), r.stateReason(), r.attempt(), r.maxAttempts(), r.currentStep(), r.totalSteps(),
				progress, r.createdAt(), r.startedAt(), r.finishedAt());
	}

}

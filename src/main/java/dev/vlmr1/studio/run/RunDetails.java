package dev.vlmr1.studio.run;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * A run as stored: what to train, on what, and where it stands.
 *
 * @param rewardTerms the reward configuration's terms as they were when the run was created
 * ({@code [{function, weight, params}]}), null for runs without rewards
 * @param hyperparameters every hyperparameter with defaults filled in (GRPO.md names)
 */
public record RunDetails(RunId id, long ownerId, RunType type, RunState state, long version, long modelId,
		List<Long> datasetIds, @Nullable Long evalDatasetId, @Nullable Long rewardConfigId,
		@Nullable List<Map<String, Object>> rewardTerms, Map<String, Object> hyperparameters,
		@Nullable String stateReason, int attempt, int maxAttempts, int currentStep, @Nullable Integer totalSteps,
		Instant createdAt, @Nullable Instant startedAt, @Nullable Instant finishedAt, int preemptions) {

	/** Attempts that count against {@link #maxAttempts()}: a preempted attempt was not the run's fault. */
	public int countedAttempts() {
		return attempt - preemptions;
	}


}

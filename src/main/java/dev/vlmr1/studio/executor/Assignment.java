package dev.vlmr1.studio.executor;

import java.util.List;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

import dev.vlmr1.studio.run.RunDetails;
import dev.vlmr1.studio.run.RunId;

/**
 * One attempt of a run handed to a worker: the run, the attempt number, the lease token that fences every
 * write of this attempt, the checkpoints registered so far (newest last), and why it must not train when
 * its inputs drifted since the first attempt (null when they did not).
 */
record Assignment(RunDetails run, int attempt, UUID leaseToken, List<CheckpointStore.ResumePoint> checkpoints,
		@Nullable String drift) {

	Assignment(RunDetails run, int attempt, UUID leaseToken, List<CheckpointStore.ResumePoint> checkpoints) {
		this(run, attempt, leaseToken, checkpoints, null);
	}

	RunId runId() {
		return run.id();
	}

}

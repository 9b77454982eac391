package dev.vlmr1.studio.executor;

import java.util.List;
import java.util.UUID;

import dev.vlmr1.studio.run.RunDetails;
import dev.vlmr1.studio.run.RunId;

/**
 * One attempt of a run handed to a worker: the run, the attempt number, the lease token that fences every
 * write of this attempt, and the checkpoints registered so far (newest last).
 */
record Assignment(RunDetails run, int attempt, UUID leaseToken, List<CheckpointStore.ResumePoint> checkpoints) {

	RunId runId() {
		return run.id();
	}

}

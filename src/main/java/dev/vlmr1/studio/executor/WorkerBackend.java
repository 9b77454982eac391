package dev.vlmr1.studio.executor;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.vlmr1.studio.run.RunAlarm;
import dev.vlmr1.studio.run.EvalResultRecord;
import dev.vlmr1.studio.run.RolloutSampleRecord;
import dev.vlmr1.studio.run.RunState;

/**
 * What the worker loop needs from the queue, as plain Java. Every call but {@link #claim} is fenced by the
 * assignment's lease token and throws {@link dev.vlmr1.studio.run.LeaseLostException} for a zombie.
 */
interface WorkerBackend {

	Optional<Assignment> claim(String workerId);

	/** Extends the lease; {@code CANCELLING} tells the worker to stop. */
	RunState heartbeat(Assignment assignment);

	/** Records where the attempt starts and archives the metrics a lost attempt wrote after that step. */
	void startAt(Assignment assignment, int step);

	void reportStep(Assignment assignment, int step, Map<String, Double> metrics);

	void declareTotalSteps(Assignment assignment, int totalSteps);

	/** Appends lines to the run's event log (the live log tail of the run page). */
	void log(Assignment assignment, List<String> lines);

	/** Stores a bounded sample of a step's rollouts for the run page's gallery. */
	void reportRollouts(Assignment assignment, int step, List<RolloutSampleRecord> samples);

	void commitCheckpoint(Assignment assignment, int step, Path dir);

	/** Stores the per-sample results of an evaluation at {@code step}. */
	void reportEvalResults(Assignment assignment, int step, List<EvalResultRecord> results);

	/** Records an alarm event (reward hacking, a run that cannot learn) at {@code step}. */
	void alarm(Assignment assignment, int step, RunAlarm alarm);

	/** Ends the attempt after the job returned: SUCCEEDED, or CANCELLED when a cancel was requested. */
	AttemptResult complete(Assignment assignment, String logTail);

	/**
	 * Ends the attempt as PREEMPTED after the job committed a checkpoint of its current step: the run goes back to
	 * the queue at once, and the attempt does not count against its budget (CANCELLED when a cancel came first).
	 */
	AttemptResult preempted(Assignment assignment, int step, String logTail);

	/** Ends the attempt as failed; the run is re-queued (with back-off) or failed by the retry policy. */
	void fail(Assignment assignment, FailureKind kind, String reason, String logTail);

}

package dev.vlmr1.studio.executor;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.vlmr1.studio.Slow;
import dev.vlmr1.studio.run.RunId;
import dev.vlmr1.studio.run.RunState;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One GPU per run ({@code studio.executor.local.gpus}) with real child JVMs on the CPU: each worker process gets one
 * configured GPU as {@code CUDA_VISIBLE_DEVICES} (the worker prints what it saw, and the dispatcher keeps that in the
 * attempt's log tail), two runs at once get different GPUs, a third waits for a GPU although more workers are
 * allowed, and a GPU is free again once its worker has ended, whether it finished or crashed.
 */
@Slow
class GpuDispatchTests extends ExecutorTestSupport {

	private static final Pattern SEEN = Pattern.compile("started \\(CUDA_VISIBLE_DEVICES=([^,]*),");

	private LocalProcessDispatcher dispatcher;

	@AfterEach
	void stopDispatcher() {
		if (dispatcher != null) {
			dispatcher.stop();
		}
	}

	@Test
	void twoGpusRunTwoRunsOnDifferentGpusAndTheThirdWaitsForOneToFree() {
		// GPU names are passed through as CUDA_VISIBLE_DEVICES takes them; these two are unlike any default
		dispatcher = new LocalProcessDispatcher(ledger, workerLaunch(), new FailureClassifier(Set.of(42)), 4,
				Duration.ofSeconds(1), Duration.ofMillis(100), Duration.ofSeconds(5), List.of("3", "5"));
		RunId first = queueRun("steps=40,stepMillis=150", 1);
		// crashes in its first attempt: its GPU must come back all the same
		RunId crashing = queueRun("steps=40,stepMillis=150,exitAtStep=4,exitCode=1,faultAttempt=1", 3);
		RunId third = queueRun("steps=5,stepMillis=10", 1);
		dispatcher.start();
		sweeper.start();

		await().atMost(Duration.ofSeconds(90)).until(() -> dispatcher.gpusInUse().size() == 2);
		assertThat(Set.copyOf(dispatcher.gpusInUse().values())).containsExactlyInAnyOrder("3", "5");
		int[] mostAlive = { 0 };
		List<RunState> thirdWhileBusy = new ArrayList<>();
		await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(50)).until(() -> {
			mostAlive[0] = Math.max(mostAlive[0], dispatcher.liveWorkers());
			if (dispatcher.gpusInUse().size() == 2 && state(first) == RunState.RUNNING
					&& state(crashing) == RunState.RUNNING) {
				thirdWhileBusy.add(state(third));
			}
			return state(first).isTerminal() && state(crashing).isTerminal() && state(third).isTerminal();
		});

		assertThat(mostAlive[0]).as("never more workers than GPUs, though four are allowed").isEqualTo(2);
		assertThat(thirdWhileBusy).as("the third run waits while both GPUs are busy").isNotEmpty()
			.allMatch((s) -> s == RunState.QUEUED);
		assertThat(List.of(state(first), state(crashing), state(third))).containsOnly(RunState.SUCCEEDED);
		await().atMost(Duration.ofSeconds(10)).until(() -> dispatcher.liveWorkers() == 0
				&& allExitsRecorded(first, crashing, third));

		String firstGpu = gpuSeen(first, 1);
		String crashedGpu = gpuSeen(crashing, 1);
		assertThat(Set.of(firstGpu, crashedGpu)).as("the two concurrent runs' workers saw different GPUs")
			.containsExactlyInAnyOrder("3", "5");
		assertThat(attempts(crashing).get(0)).containsEntry("failure", "ERROR").containsEntry("exit_code", 1);
		assertThat(gpuSeen(crashing, 2)).isIn("3", "5");
		assertThat(gpuSeen(third, 1)).isIn("3", "5");
		assertThat(dispatcher.gpusInUse()).as("every GPU free once its worker ended").isEmpty();
		assertThat(dispatcher.freeGpus()).containsExactlyInAnyOrder("3", "5");
	}

	@Test
	void withoutGpusTheDispatcherLeavesCudaVisibleDevicesAlone() {
		dispatcher = new LocalProcessDispatcher(ledger, workerLaunch(), new FailureClassifier(Set.of(42)), 1,
				Duration.ofSeconds(1), Duration.ofMillis(100), Duration.ofSeconds(5));
		RunId id = queueRun("steps=3,stepMillis=10", 1);
		dispatcher.start();
		await().atMost(Duration.ofSeconds(90)).until(() -> state(id).isTerminal() && allExitsRecorded(id));
		assertThat(state(id)).isEqualTo(RunState.SUCCEEDED);
		String inherited = System.getenv("CUDA_VISIBLE_DEVICES");
		assertThat(gpuSeen(id, 1)).isEqualTo(inherited == null ? "(unset)" : inherited);
		assertThat(dispatcher.gpusInUse()).isEmpty();
		assertThat(dispatcher.freeGpus()).isEmpty();
	}

	private boolean allExitsRecorded(RunId... ids) {
		for (RunId id : ids) {
			if (attempts(id).stream().anyMatch((a) -> a.get("exit_code") == null)) {
				return false;
			}
		}
		return true;
	}

	/** The GPU the worker of attempt {@code attempt} printed it saw, from the attempt's log tail. */
	private String gpuSeen(RunId id, int attempt) {
		String tail = (String) attempts(id).get(attempt - 1).get("log_tail");
		assertThat(tail).as("log tail of run " + id.value() + " attempt " + attempt).isNotNull();
		Set<String> seen = new HashSet<>();
		Matcher m = SEEN.matcher(tail);
		while (m.find()) {
			seen.add(m.group(1));
		}
		assertThat(seen).as("one worker, one GPU: " + tail).hasSize(1);
		return seen.iterator().next();
	}

	private List<Map<String, Object>> attempts(RunId id) {
		return jdbc.sql("SELECT * FROM run_attempts WHERE run_id = ? ORDER BY attempt").param(id.value()).query().listOfRows();
	}

}

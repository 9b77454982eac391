package dev.vlmr1.studio.run;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.LongStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.vlmr1.studio.web.ApiProblem;
import dev.vlmr1.studio.web.CurrentUser;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * T5.5 / T1.11: a user's cancel racing a worker's claim or finish, many times over. Every iteration must
 * end in a state the transition table allows, exactly one of two conflicting transitions wins, the run's
 * version equals its number of transitions, and event seqs stay gap-free.
 */
class RunConcurrencyTests extends RunTestSupport {

	private static final int ITERATIONS = 200;

	private final ExecutorService pool = Executors.newFixedThreadPool(2);

	@AfterEach
	void stopPool() {
		pool.shutdownNow();
	}

	@Test
	void cancelRacingClaimEndsConsistently() throws Exception {
		CurrentUser owner = newUser(false);
		int claimedFirst = 0;
		for (int i = 0; i < ITERATIONS; i++) {
			drainQueue();
			RunId id = queuedRun(owner);
			var results = race(() -> runs.claimNext("racer"), () -> runs.cancel(id, "race"));
			@SuppressWarnings("unchecked")
			Optional<ClaimedRun> claim = (Optional<ClaimedRun>) results.get(0);
			RunDetails run = details(id);
			List<String> history = stateHistory(id);
			if (claim.isPresent()) {
				// the claim won QUEUED -> RUNNING; the cancel then saw RUNNING and asked the worker to stop
				claimedFirst++;
				assertThat(history).containsExactly("QUEUED", "RUNNING", "CANCELLING");
				assertThat(run.state()).isEqualTo(RunState.CANCELLING);
			}
			else {
				assertThat(history).containsExactly("QUEUED", "CANCELLED");
				assertThat(run.state()).isEqualTo(RunState.CANCELLED);
				assertThat(run.attempt()).isZero();
			}
			assertInvariants(id);
			assertAttempts(id);
		}
		System.out.printf("cancel vs claim: claim first in %d of %d iterations%n", claimedFirst, ITERATIONS);
	}

	@Test
	void cancelRacingFinishHasExactlyOneWinner() throws Exception {
		CurrentUser owner = newUser(false);
		for (int i = 0; i < ITERATIONS; i++) {
			drainQueue();
			RunId id = queuedRun(owner);
			ClaimedRun claim = runs.claimNext("racer").orElseThrow();
			var results = race(() -> runs.finish(id, claim.leaseToken(), RunState.SUCCEEDED, null),
					() -> runs.cancel(id, "race"));
			boolean finished = !(results.get(0) instanceof ApiProblem);
			boolean cancelled = !(results.get(1) instanceof ApiProblem);
			assertThat(finished ^ cancelled).as("exactly one of finish and cancel wins, iteration " + i).isTrue();
			List<String> history = stateHistory(id);
			assertThat(history).doesNotContainSequence("CANCELLED", "SUCCEEDED");
			if (finished) {
				assertThat(details(id).state()).isEqualTo(RunState.SUCCEEDED);
				assertThat(((ApiProblem) results.get(1)).status().value()).isEqualTo(409);
			}
			else {
				assertThat(details(id).state()).isEqualTo(RunState.CANCELLING);
				assertThat(((ApiProblem) results.get(0)).status().value()).isEqualTo(409);
				// the worker learns of the cancel at its next heartbeat and acknowledges it
				assertThat(runs.heartbeat(id, claim.leaseToken())).isEqualTo(RunState.CANCELLING);
				runs.finish(id, claim.leaseToken(), RunState.CANCELLED, "stopped");
				assertThat(stateHistory(id)).containsExactly("QUEUED", "RUNNING", "CANCELLING", "CANCELLED");
			}
			assertThat(stateHistory(id)).filteredOn(s -> s.equals("SUCCEEDED") || s.equals("CANCELLED")).hasSize(1);
			assertInvariants(id);
			assertAttempts(id);
		}
	}

	@Test
	void twoTransitionsFromTheSameVersionHaveOneWinner() throws Exception {
		CurrentUser owner = newUser(false);
		for (int i = 0; i < 50; i++) {
			RunId id = queuedRun(owner);
			long version = details(id).version();
			var results = race(() -> runs.transition(id, version, RunState.QUEUED, RunState.CANCELLED, "a"),
					() -> runs.transition(id, version, RunState.QUEUED, RunState.RUNNING, "b"));
			assertThat(results).filteredOn(Boolean.TRUE::equals).hasSize(1);
			assertThat(details(id).version()).isEqualTo(version + 1);
			assertInvariants(id);
		}
	}

	/** version = transitions since creation; seq = 1..n without gaps; only table-allowed steps in history. */
	private void assertInvariants(RunId id) {
		List<String> history = stateHistory(id);
		assertThat(details(id).version()).isEqualTo(history.size() - 1);
		List<Long> seqs = seqs(id);
		assertThat(seqs).containsExactlyElementsOf(LongStream.rangeClosed(1, seqs.size()).boxed().toList());
		for (int i = 1; i < history.size(); i++) {
			assertThat(RunState.valueOf(history.get(i - 1)).canMoveTo(RunState.valueOf(history.get(i))))
				.as(history.toString())
				.isTrue();
		}
	}

	/** Claims made through the queue: one attempt row per claim, open exactly while the run is leased. */
	private void assertAttempts(RunId id) {
		RunDetails run = details(id);
		assertThat(runs.attempts(id)).hasSize(run.attempt());
		assertThat(runs.attempts(id)).filteredOn(a -> a.endedAt() == null).hasSize(run.state().isLeased() ? 1 : 0);
	}

	/** Runs both at once (released by a barrier); each result is the return value or the ApiProblem thrown. */
	private List<Object> race(Callable<?> a, Callable<?> b) throws Exception {
		CyclicBarrier start = new CyclicBarrier(2);
		Future<Object> fa = pool.submit(() -> call(start, a));
		Future<Object> fb = pool.submit(() -> call(start, b));
		return List.of(fa.get(), fb.get());
	}

	private static Object call(CyclicBarrier start, Callable<?> task) throws Exception {
		start.await();
		try {
			return task.call();
		}
		catch (ApiProblem problem) {
			return problem;
		}
	}

}

package dev.vlmr1.studio.executor;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.vlmr1.studio.Slow;
import dev.vlmr1.studio.run.RunId;
import dev.vlmr1.studio.run.RunState;
import dev.vlmr1.studio.web.ApiProblem;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * T1.11 cancel races, 200 iterations each: cancel fired at the same moment as (a) the claim and (b) the
 * final finish. Every run ends in exactly one terminal state, its history never holds both CANCELLED and
 * SUCCEEDED, and the attempt row agrees with the run. (The kill of a running worker on cancel:
 * {@link LocalProcessDispatcherTests}.)
 */
@Slow
class CancelRaceTests extends ExecutorTestSupport {

	private static final int ITERATIONS = 200;

	private final ExecutorService pool = Executors.newFixedThreadPool(2);

	@AfterEach
	void shutdownPool() {
		pool.shutdownNow();
	}

	@Test
	void cancelRacingTheClaim() throws Exception {
		int[] outcomes = new int[2];
		for (int i = 0; i < ITERATIONS; i++) {
			RunId id = queueRun("steps=0", 3);
			Optional<Assignment> claimed = race(() -> ledger.claim("w"), () -> cancel(id));
			if (claimed.isPresent()) {
				// the worker learns of a cancel when it finishes: CANCELLED, else SUCCEEDED
				ledger.complete(claimed.get(), "");
			}
			assertOneTerminalState(id);
			outcomes[claimed.isPresent() ? 0 : 1]++;
		}
		System.out.printf("cancel vs claim: claim first %d, cancel first %d%n", outcomes[0], outcomes[1]);
	}

	@Test
	void cancelRacingTheFinish() throws Exception {
		int[] outcomes = new int[2];
		for (int i = 0; i < ITERATIONS; i++) {
			RunId id = queueRun("steps=0", 3);
			Assignment claimed = ledger.claim("w").orElseThrow();
			AttemptResult result = race(() -> ledger.complete(claimed, ""), () -> cancel(id));
			assertThat(result).isIn(AttemptResult.SUCCEEDED, AttemptResult.CANCELLED);
			assertOneTerminalState(id);
			outcomes[result == AttemptResult.SUCCEEDED ? 0 : 1]++;
		}
		System.out.printf("cancel vs finish: succeeded %d, cancelled %d%n", outcomes[0], outcomes[1]);
	}

	private void cancel(RunId id) {
		try {
			runs.cancel(id, "user");
		}
		catch (ApiProblem ex) {
			assertThat(ex.getStatusCode().value()).as("a cancel that loses gets 409").isEqualTo(409);
		}
	}

	private void assertOneTerminalState(RunId id) {
		RunState state = state(id);
		assertThat(state).isIn(RunState.SUCCEEDED, RunState.CANCELLED);
		List<String> history = jdbc.sql("SELECT payload->>'to' FROM run_events WHERE run_id = ? AND type = 'STATE' ORDER BY seq")
			.param(id.value())
			.query(String.class)
			.list();
		assertThat(history.stream().filter(s -> RunState.valueOf(s).isTerminal())).containsExactly(state.name());
		List<String> attempts = jdbc.sql("SELECT outcome FROM run_attempts WHERE run_id = ?").param(id.value()).query(String.class).list();
		assertThat(attempts).allMatch(a -> a.equals(state.name()));
	}

	/** Runs both at the same instant; returns the first's answer (the second checks its own). */
	private <A> A race(Supplier<A> first, Runnable second) throws Exception {
		CyclicBarrier start = new CyclicBarrier(2);
		Future<A> a = pool.submit(() -> {
			start.await();
			return first.get();
		});
		Future<?> b = pool.submit(() -> {
			start.await();
			second.run();
			return null;
		});
		b.get(30, TimeUnit.SECONDS);
		return a.get(30, TimeUnit.SECONDS);
	}

}

package dev.vlmr1.studio.run;

import java.util.EnumSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.vlmr1.studio.web.ApiProblem;
import dev.vlmr1.studio.web.CurrentUser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * One test per source state: every allowed target is reached with exactly one version increment and one
 * STATE event; every other target is refused (409) and changes nothing, in the database.
 */
class RunStateMachineTests extends RunTestSupport {

	@Test
	void fromQueued() {
		check(RunState.QUEUED, EnumSet.of(RunState.RUNNING, RunState.CANCELLED));
	}

	@Test
	void fromRunning() {
		check(RunState.RUNNING, EnumSet.of(RunState.SUCCEEDED, RunState.FAILED, RunState.CANCELLING, RunState.QUEUED));
	}

	@Test
	void fromCancelling() {
		check(RunState.CANCELLING, EnumSet.of(RunState.CANCELLED, RunState.FAILED));
	}

	@Test
	void fromSucceeded() {
		check(RunState.SUCCEEDED, EnumSet.noneOf(RunState.class));
	}

	@Test
	void fromFailed() {
		check(RunState.FAILED, EnumSet.noneOf(RunState.class));
	}

	@Test
	void fromCancelled() {
		check(RunState.CANCELLED, EnumSet.noneOf(RunState.class));
	}

	private void check(RunState source, Set<RunState> allowed) {
		assertThat(source.allowedTargets()).isEqualTo(allowed);
		assertThat(source.isTerminal()).isEqualTo(allowed.isEmpty());
		CurrentUser owner = newUser(false);
		for (RunState target : RunState.values()) {
			RunId id = runIn(source, owner);
			RunDetails before = details(id);
			if (allowed.contains(target)) {
				assertThat(runs.transition(id, before.version(), source, target, "test")).as(source + " -> " + target).isTrue();
				RunDetails after = details(id);
				assertThat(after.state()).isEqualTo(target);
				assertThat(after.version()).isEqualTo(before.version() + 1);
				assertThat(stateHistory(id)).last().isEqualTo(target.name());
				// a second writer holding the old version loses
				assertThat(runs.transition(id, before.version(), source, target, "late")).isFalse();
			}
			else {
				assertThatThrownBy(() -> runs.transition(id, before.version(), source, target, "test"))
					.as(source + " -> " + target)
					.isInstanceOfSatisfying(ApiProblem.class, p -> assertThat(p.status().value()).isEqualTo(409));
				assertThat(details(id).version()).isEqualTo(before.version());
				assertThat(details(id).state()).isEqualTo(source);
			}
			assertThat(seqs(id)).as("gap-free seq").containsExactlyElementsOf(
					java.util.stream.LongStream.rangeClosed(1, seqs(id).size()).boxed().toList());
			assertThat(details(id).version()).as("one STATE event per transition after creation")
				.isEqualTo(stateHistory(id).size() - 1);
		}
	}

	/** A fresh run brought to {@code state} through the public API, as a worker and a user would. */
	private RunId runIn(RunState state, CurrentUser owner) {
		drainQueue();
		RunId id = queuedRun(owner);
		if (state == RunState.QUEUED) {
			return id;
		}
		if (state == RunState.CANCELLED) {
			runs.cancel(id, "test");
			return id;
		}
		ClaimedRun claim = runs.claimNext("worker-test").orElseThrow();
		assertThat(claim.id()).isEqualTo(id);
		switch (state) {
			case CANCELLING -> runs.cancel(id, "test");
			case SUCCEEDED, FAILED -> runs.finish(id, claim.leaseToken(), state, "test");
			default -> {
			}
		}
		assertThat(details(id).state()).isEqualTo(state);
		return id;
	}

}

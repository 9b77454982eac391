package dev.vlmr1.studio.run;

import java.util.EnumSet;
import java.util.Set;

/**
 * The life of a run, with the only transitions allowed between states.
 *
 * <pre>
 * QUEUED ──claim──► RUNNING ──finish──► SUCCEEDED | FAILED
 *   │                 │  ▲ └─lease lost / preempted─► QUEUED
 *   │ cancel          │ cancel
 *   ▼                 ▼
 * CANCELLED ◄──── CANCELLING ──worker crashed──► FAILED
 * </pre>
 *
 * Every transition is written as {@code UPDATE … WHERE id = ? AND version = ?}, so two racing transitions
 * from the same state cannot both succeed.
 */
public enum RunState {

	QUEUED, RUNNING, CANCELLING, SUCCEEDED, FAILED, CANCELLED;

	/** The states this one may move to; empty for terminal states. */
	public Set<RunState> allowedTargets() {
		return switch (this) {
			case QUEUED -> EnumSet.of(RUNNING, CANCELLED);
			// back to QUEUED when the lease expired or the worker was preempted and retries remain
			case RUNNING -> EnumSet.of(SUCCEEDED, FAILED, CANCELLING, QUEUED);
			case CANCELLING -> EnumSet.of(CANCELLED, FAILED);
			case SUCCEEDED, FAILED, CANCELLED -> EnumSet.noneOf(RunState.class);
		};
	}

	public boolean canMoveTo(RunState target) {
		return allowedTargets().contains(target);
	}

	/** Terminal states never change again; a live stream closes when it sees one. */
	public boolean isTerminal() {
		return allowedTargets().isEmpty();
	}

	/** States in which a worker holds the run under a lease. */
	public boolean isLeased() {
		return this == RUNNING || this == CANCELLING;
	}

}

package dev.vlmr1.studio.executor;

import org.springframework.transaction.event.TransactionalEventListener;

import dev.vlmr1.studio.run.RunQueued;
import dev.vlmr1.studio.run.RunState;
import dev.vlmr1.studio.run.RunStateChanged;

/**
 * Starts a local worker as soon as a run is queued (or re-queued), and stops a cancelled run's worker at once, instead
 * of at the dispatcher's next poll: the run module's events, heard once their transaction has committed. Not final:
 * Spring Modulith proxies event listeners.
 */
class LocalDispatchTriggers {

	private final LocalProcessDispatcher dispatcher;

	LocalDispatchTriggers(LocalProcessDispatcher dispatcher) {
		this.dispatcher = dispatcher;
	}

	@TransactionalEventListener(fallbackExecution = true)
	void on(RunQueued queued) {
		dispatcher.nudge();
	}

	@TransactionalEventListener(fallbackExecution = true)
	void on(RunStateChanged changed) {
		if (changed.to() == RunState.QUEUED || changed.to() == RunState.CANCELLING) {
			dispatcher.nudge();
		}
	}

}

package dev.vlmr1.studio.run;

/** A run was created and waits in the queue; executors may claim it now instead of at their next poll. */
public record RunQueued(RunId id, RunType type) {

}

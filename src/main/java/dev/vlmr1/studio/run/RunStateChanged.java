package dev.vlmr1.studio.run;

/** A run moved along its state table (published inside the transaction that moved it). */
public record RunStateChanged(RunId id, RunState from, RunState to) {

}

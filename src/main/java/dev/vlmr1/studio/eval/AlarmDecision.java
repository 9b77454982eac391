package dev.vlmr1.studio.eval;

/**
 * The reward-hacking alarm's verdict on the latest evaluations.
 *
 * @param raised training reward rose while the held-out metric fell over the window
 * @param fromStep first step of the window (-1 when there were too few evaluations)
 * @param toStep last step of the window (-1 likewise)
 * @param rewardChange last − first training reward in the window
 * @param metricChange last − first held-out metric in the window
 * @param message a sentence for the run page and the alarm event
 */
public record AlarmDecision(boolean raised, long fromStep, long toStep, double rewardChange, double metricChange,
		String message) {
}

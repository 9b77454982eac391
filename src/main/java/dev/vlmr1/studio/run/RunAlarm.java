package dev.vlmr1.studio.run;

/**
 * A warning a worker raises about a run that is still going, shown as a banner on the run page.
 *
 * @param kind a stable identifier for clients ({@code reward_hacking}, {@code truncation}, …)
 * @param title the banner's heading
 * @param message what is happening, why it matters and what to change
 */
public record RunAlarm(String kind, String title, String message) {

	/** The training reward rises while the held-out metric falls (periodic evaluation). */
	public static RunAlarm rewardHacking(String message) {
		return new RunAlarm("reward_hacking", "Reward-hacking alarm", message);
	}

}

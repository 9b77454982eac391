package dev.vlmr1.studio.eval;

import java.util.List;
import java.util.Optional;

/**
 * Issue 6's alarm: over the last K evaluations the training reward rises while the held-out metric falls. Both
 * trends must agree two ways, so one noisy evaluation at either end of the window does not trip it: the
 * least-squares slope (rising reward, falling metric) and the net change from the window's first to its last point
 * (reward up by more than {@code minRewardRise}, metric down by more than {@code minMetricDrop}). A pure function of
 * the history.
 */
public final class RewardHackingAlarm {

	private final int window;

	private final double minRewardRise;

	private final double minMetricDrop;

	/**
	 * @param window K, the number of most recent evaluations looked at (at least 2)
	 * @param minRewardRise how much the training reward must rise over the window
	 * @param minMetricDrop how much the held-out metric must fall over the window
	 */
	public RewardHackingAlarm(int window, double minRewardRise, double minMetricDrop) {
		if (window < 2) {
			throw new IllegalArgumentException("the window needs at least 2 evaluations, got " + window);
		}
		if (!(minRewardRise >= 0) || !(minMetricDrop >= 0)) {
			throw new IllegalArgumentException("thresholds must be non-negative numbers");
		}
		this.window = window;
		this.minRewardRise = minRewardRise;
		this.minMetricDrop = minMetricDrop;
	}

	/** K = 3, any rise of the reward, a drop of the metric by more than 0.01 (one point of accuracy). */
	public static RewardHackingAlarm defaults() {
		return new RewardHackingAlarm(3, 0.0, 0.01);
	}

	/** Judges the last K points of a history ordered by step. */
	public AlarmDecision check(List<EvalPoint> history) {
		if (history.size() < window) {
			return new AlarmDecision(false, -1, -1, 0, 0,
					"needs " + window + " evaluations, has " + history.size());
		}
		List<EvalPoint> w = history.subList(history.size() - window, history.size());
		for (EvalPoint p : w) {
			if (!Double.isFinite(p.trainingReward()) || !Double.isFinite(p.heldOutMetric())) {
				throw new IllegalArgumentException("evaluation at step " + p.step() + " has a non-finite value");
			}
		}
		EvalPoint first = w.get(0);
		EvalPoint last = w.get(w.size() - 1);
		double rewardChange = last.trainingReward() - first.trainingReward();
		double metricChange = last.heldOutMetric() - first.heldOutMetric();
		boolean rewardRises = slope(w, true) > 0 && rewardChange > minRewardRise;
		boolean metricFalls = slope(w, false) < 0 && -metricChange > minMetricDrop;
		boolean raised = rewardRises && metricFalls;
		String message = raised
				? String.format("training reward rose by %.4f while the held-out metric fell by %.4f over steps %d-%d",
						rewardChange, -metricChange, first.step(), last.step())
				: "no divergence over steps " + first.step() + "-" + last.step();
		return new AlarmDecision(raised, first.step(), last.step(), rewardChange, metricChange, message);
	}

	/** The first evaluation at which the alarm would have fired, replaying the history point by point. */
	public Optional<AlarmDecision> firstAlarm(List<EvalPoint> history) {
		for (int n = window; n <= history.size(); n++) {
			AlarmDecision d = check(history.subList(0, n));
			if (d.raised()) {
				return Optional.of(d);
			}
		}
		return Optional.empty();
	}

	/** Least-squares slope of reward (or metric) against the evaluation's position in the window. */
	private static double slope(List<EvalPoint> w, boolean reward) {
		int n = w.size();
		double meanX = (n - 1) / 2.0;
		double meanY = 0;
		for (EvalPoint p : w) {
			meanY += (reward ? p.trainingReward() : p.heldOutMetric()) / n;
		}
		double num = 0;
		double den = 0;
		for (int i = 0; i < n; i++) {
			double y = reward ? w.get(i).trainingReward() : w.get(i).heldOutMetric();
			num += (i - meanX) * (y - meanY);
			den += (i - meanX) * (i - meanX);
		}
		return num / den;
	}

}

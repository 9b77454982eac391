package dev.vlmr1.studio.train;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Watches a GRPO run's step metrics for the two ways it silently stops learning, and says so once per episode.
 *
 * <p>GRPO's advantage is a reward minus its group's mean: a group whose completions all score the same has zero
 * advantage and contributes no gradient. That happens when (a) completions are cut at
 * {@code max_completion_length} before they can close their answer, so nothing parses and everything scores 0, or
 * (b) the task is too easy or too hard for the model's samples to differ. TRL logs
 * {@code completions/clipped_ratio} and {@code frac_reward_zero_std} but never tells the user; here a window of
 * steps over a threshold raises an alarm with what is happening, why it stops learning and what to change.
 */
public final class LearningSignal {

	/** What went wrong; each has the words the run page shows. */
	public enum Problem {

		TRUNCATION("Completions are cut off", "completions/clipped_ratio",
				"Completions are cut at max_completion_length = %d before they end: %.0f%% of the last %d steps' completions"
						+ " never emitted their end token (mean length %.1f tokens). A cut answer cannot be parsed, so every"
						+ " completion scores alike and the policy gets no gradient. Raise max_completion_length, or teach"
						+ " a shorter answer format (an SFT warm-up) first."),

		NO_REWARD_VARIANCE("No reward variance: GRPO has nothing to learn from", "frac_reward_zero_std",
				"In the last %2$d steps %1$.0f%% of the groups scored every completion alike (mean reward %3$.3f). GRPO learns from"
						+ " differences within a group, so these groups give no gradient. Sample more varied completions"
						+ " (a higher temperature, more num_generations), or start from a model that sometimes solves the"
						+ " task (an SFT warm-up); check that the reward can parse the model's answers (rewards/<fn>/parsed).");

		private final String title;

		private final String metric;

		private final String explanation;

		Problem(String title, String metric, String explanation) {
			this.title = title;
			this.metric = metric;
			this.explanation = explanation;
		}

		public String title() {
			return title;
		}

		/** The step metric whose window average raises it. */
		public String metric() {
			return metric;
		}

	}

	/** An alarm to record: the problem, the step it was seen at and the full explanation. */
	public record Alarm(Problem problem, long step, String message) {
	}

	/** Share of a window's steps' value at or above which the problem is raised. */
	static final double THRESHOLD = 0.9;

	private final int window;

	private final int maxCompletionLength;

	private final Deque<Map<String, Double>> recent = new ArrayDeque<>();

	private final Set<Problem> raised = EnumSet.noneOf(Problem.class);

	/**
	 * @param window steps averaged before judging (a single unlucky step is not a problem)
	 * @param maxCompletionLength the run's completion budget, quoted in the explanation
	 */
	public LearningSignal(int window, int maxCompletionLength) {
		if (window < 1) {
			throw new IllegalArgumentException("window must be ≥ 1, got " + window);
		}
		this.window = window;
		this.maxCompletionLength = maxCompletionLength;
	}

	/**
	 * Takes one step's metrics; returns the problems that start at this step. A problem is raised again only after
	 * its window average fell below the threshold in between.
	 */
	public List<Alarm> observe(long step, Map<String, Double> metrics) {
		if (!metrics.containsKey(Problem.NO_REWARD_VARIANCE.metric())) {
			return List.of(); // not a GRPO step (SFT, evaluation)
		}
		recent.addLast(metrics);
		if (recent.size() > window) {
			recent.removeFirst();
		}
		List<Alarm> starting = new ArrayList<>();
		if (recent.size() < window) {
			return starting;
		}
		// truncation explains zero variance; one alarm with the cause is clearer than two
		for (Problem problem : Problem.values()) {
			boolean present = mean(problem.metric()) >= THRESHOLD;
			if (!present) {
				raised.remove(problem);
			}
			else if (raised.add(problem) && !(problem == Problem.NO_REWARD_VARIANCE && raised.contains(Problem.TRUNCATION))) {
				starting.add(new Alarm(problem, step, explain(problem)));
			}
		}
		return starting;
	}

	private String explain(Problem problem) {
		return switch (problem) {
			case TRUNCATION -> String.format(Locale.ROOT, problem.explanation, maxCompletionLength,
					100 * mean(problem.metric()), window, mean("completions/mean_length"));
			case NO_REWARD_VARIANCE -> String.format(Locale.ROOT, problem.explanation, 100 * mean(problem.metric()),
					window, mean("reward"));
		};
	}

	private double mean(String metric) {
		return recent.stream().mapToDouble((m) -> m.getOrDefault(metric, 0.0)).average().orElse(0);
	}

}

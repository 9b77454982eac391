package dev.vlmr1.studio.compare;

import java.util.List;
import java.util.Locale;

/**
 * Which way a metric improves, guessed from its name (metric names are free strings in {@code run_metrics}), so
 * the final table can show a best value. Names it cannot place (learning rate, epoch, token counts, timings of
 * unknown meaning) get {@link #NONE}: no best value is better than a wrong one.
 */
enum MetricDirection {

	/** Rewards, accuracies, mAP, precision, recall, and every {@code eval/} metric not listed as lower. */
	HIGHER,

	/** Losses, KL, gradient norm, clip and truncation ratios, step time. */
	LOWER,

	/** Not a quality measure (learning rate, epoch, lengths, token counts). */
	NONE;

	// order matters: "reward_std" and "frac_reward_zero_std" must be placed before "reward" matches
	private static final List<String> NEUTRAL = List.of("learning_rate", "epoch", "num_tokens", "_std", "/std",
			"length", "tokens_per_second");

	private static final List<String> LOWER_WORDS = List.of("loss", "kl", "grad_norm", "clip_ratio", "clipped_ratio",
			"step_time", "frac_reward_zero_std", "error");

	private static final List<String> HIGHER_WORDS = List.of("reward", "accuracy", "acc", "map", "ap50", "precision",
			"recall", "iou", "f1");

	static MetricDirection of(String metric) {
		String name = metric.toLowerCase(Locale.ROOT);
		String last = name.substring(name.lastIndexOf('/') + 1);
		if (LOWER_WORDS.stream().anyMatch(w -> name.equals(w) || name.startsWith(w + "/") || last.contains(w))) {
			return LOWER;
		}
		if (NEUTRAL.stream().anyMatch(name::contains)) {
			return NONE;
		}
		if (isEval(name) || HIGHER_WORDS.stream().anyMatch(w -> name.startsWith(w) || last.contains(w))) {
			return HIGHER;
		}
		return NONE;
	}

	/** Whether {@code metric} comes from an evaluation on held-out data rather than from training. */
	static boolean isEval(String metric) {
		return metric.toLowerCase(Locale.ROOT).startsWith("eval/") || metric.toLowerCase(Locale.ROOT).startsWith("eval_");
	}

	/** Whether {@code candidate} beats {@code best} in this direction (never for {@link #NONE}). */
	boolean better(double candidate, double best) {
		return switch (this) {
			case HIGHER -> candidate > best;
			case LOWER -> candidate < best;
			case NONE -> false;
		};
	}

}

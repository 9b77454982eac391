package dev.vlmr1.studio.reward;

import java.util.List;
import java.util.Map;

/**
 * The rewards of a batch of completions: per completion the total and each function's score and parse, plus how
 * many completions each function failed on.
 *
 * @param functions configured function names, in order
 * @param completions one entry per completion, in input order
 * @param errorCounts per function, how many completions of this batch it threw on (functions without errors
 * included with 0)
 */
public record RewardBatch(List<String> functions, List<CompletionScore> completions, Map<String, Integer> errorCounts) {

	public RewardBatch {
		functions = List.copyOf(functions);
		completions = List.copyOf(completions);
		errorCounts = Map.copyOf(errorCounts);
	}

	/** Total reward per completion, shape (N,). */
	public double[] totals() {
		return completions.stream().mapToDouble(CompletionScore::total).toArray();
	}

	/** The share of completions one function could parse, for {@code rewards/<fn>/parsed}. */
	public double parsedShare(String function) {
		return completions.stream()
			.flatMap((c) -> c.functions().stream())
			.filter((f) -> f.function().equals(function))
			.mapToDouble((f) -> f.parsed() ? 1 : 0)
			.average()
			.orElse(0);
	}

	/** One function's score per completion, shape (N,), for {@code rewards/<fn>/mean}. */
	public double[] scores(String function) {
		return completions.stream().mapToDouble((c) -> c.score(function)).toArray();
	}

}

package dev.vlmr1.studio.reward;

import java.util.List;

/**
 * The rewards of one completion.
 *
 * @param total Σ weight·score
 * @param functions each configured function's outcome, in configuration order
 */
public record CompletionScore(double total, List<FunctionScore> functions) {

	public CompletionScore {
		functions = List.copyOf(functions);
	}

	/** The score of one configured function. */
	public double score(String function) {
		return functions.stream()
			.filter((f) -> f.function().equals(function))
			.findFirst()
			.orElseThrow(() -> new IllegalArgumentException("no function " + function + " in this configuration"))
			.score();
	}

}

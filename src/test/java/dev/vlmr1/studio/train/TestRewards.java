package dev.vlmr1.studio.train;

import java.util.List;
import java.util.Map;

/**
 * A reward for trainer tests: the fraction of a completion's characters that occur in VLM-R1's format tags
 * ({@code <think></think><answer></answer>}). Dense (every token moves it), so a tiny random model gets a signal
 * within a few steps, unlike the all-or-nothing format regex.
 */
final class TestRewards implements RewardScorer {

	static final String FORMAT_CHARACTERS = "<think></think><answer></answer>";

	@Override
	public List<String> functionNames() {
		return List.of("format_chars");
	}

	@Override
	public Scores score(List<Request> requests) {
		double[] scores = new double[requests.size()];
		for (int i = 0; i < scores.length; i++) {
			scores[i] = formatCharacters(requests.get(i).completion());
		}
		return new Scores(scores.clone(), Map.of("format_chars", scores));
	}

	static double formatCharacters(String text) {
		if (text.isEmpty()) {
			return 0;
		}
		long hits = text.chars().filter((c) -> FORMAT_CHARACTERS.indexOf(c) >= 0).count();
		return (double) hits / text.length();
	}

}

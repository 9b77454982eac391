package dev.vlmr1.studio.reward;

import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class ShapingRewardTests {

	private final RewardRegistry registry = RewardRegistry.standard();

	private double cosine(String text, int tokens, String solution) {
		RewardFunction fn = registry.create(
				new RewardTerm("length_cosine", 1, Map.of("accuracy", "exact", "max_length", 100)));
		return fn.score(new Completion(text, tokens), RewardSample.of("q", solution));
	}

	@Test
	void lengthCosineRewardsShortCorrectAnswers() {
		// correct: (0.5, 1.0); L/Lmax = 0 → 1.0, 1/2 → 1 − 0.5·(1 − cos(π/2))/2 = 0.75, 1 → 0.5
		assertThat(cosine("<answer>cat</answer>", 0, "cat")).isCloseTo(1.0, within(1e-12));
		assertThat(cosine("<answer>cat</answer>", 50, "cat")).isCloseTo(0.75, within(1e-12));
		assertThat(cosine("<answer>cat</answer>", 100, "cat")).isCloseTo(0.5, within(1e-12));
		// past Lmax VLM-R1's cosine wraps: 150 tokens score like 50
		assertThat(cosine("<answer>cat</answer>", 150, "cat")).as("wraps past Lmax").isCloseTo(0.75, within(1e-12));
		RewardFunction clipped = registry.create(new RewardTerm("length_cosine", 1,
				Map.of("accuracy", "exact", "max_length", 100, "past_max_length", "clip")));
		assertThat(clipped.score(new Completion("<answer>cat</answer>", 150), RewardSample.of("q", "cat")))
			.as("clipped at Lmax").isCloseTo(0.5, within(1e-12));
	}

	@Test
	void lengthCosineReallyChecksCorrectness() {
		// VLM-R1's bug rewarded this wrong answer as correct (0.75); wrong: (−0.5, 0.0) → −0.25
		assertThat(cosine("<answer>dog</answer>", 50, "cat")).isCloseTo(-0.25, within(1e-12));
		assertThat(cosine("<answer>dog</answer>", 0, "cat")).isCloseTo(0.0, within(1e-12));
	}

	@Test
	void lengthCosineFollowsTheSamplesAccuracyMethod() {
		RewardFunction fn = registry.create(new RewardTerm("length_cosine", 1, Map.of("max_length", 100)));
		RewardSample counting = RewardSample.of("q", "3").withMethod("numeric");
		assertThat(fn.score(new Completion("<answer>3 balls</answer>", 0), counting)).isCloseTo(1.0, within(1e-12));
		// without a method, exact decides: "3 balls" ≠ "3"
		assertThat(fn.score(new Completion("<answer>3 balls</answer>", 0), RewardSample.of("q", "3")))
			.isCloseTo(0.0, within(1e-12));
	}

	@Test
	void lengthCosineNeedsTheTokenCount() {
		RewardFunction fn = registry.create(RewardTerm.of("length_cosine"));
		assertThatThrownBy(() -> fn.score(Completion.of("<answer>x</answer>"), RewardSample.of("q", "x")))
			.hasMessageContaining("token count");
	}

	private double repetition(String text) {
		return registry.create(RewardTerm.of("repetition")).score(Completion.of(text), RewardSample.of("q", "s"));
	}

	@Test
	void repetitionOverWordSixGrams() {
		// 12 words → 7 six-grams, the first and the last equal: −(1 − 6/7)
		assertThat(repetition("a b c d e f a b c d e f")).isCloseTo(-1 / 7.0, within(1e-12));
		assertThat(repetition("a b c d e")).isZero();
		assertThat(repetition("")).isZero();
		assertThat(repetition("one two three four five six seven")).isZero();
	}

	@Test
	void repetitionOverDetections() {
		String cat = "{\"bbox_2d\": [0, 0, 10, 10], \"label\": \"cat\"}";
		String dog = "{\"bbox_2d\": [0, 0, 10, 10], \"label\": \"dog\"}";
		assertThat(repetition("<answer>[" + cat + ", " + cat + ", " + dog + "]</answer>")).isCloseTo(-1 / 3.0,
				within(1e-12));
		assertThat(repetition("<answer>[" + cat + ", " + dog + "]</answer>")).isZero();
		assertThat(repetition("<answer>None</answer>")).isZero();
	}

	@Test
	void repetitionBoundedByMinusOne() {
		RewardFunction bigrams = registry.create(new RewardTerm("repetition", 1, Map.of("ngram", 1)));
		// 1000 equal words: 1 unique of 1000
		double s = bigrams.score(Completion.of("go ".repeat(1000)), RewardSample.of("q", "s"));
		assertThat(s).isCloseTo(-0.999, within(1e-12)).isGreaterThanOrEqualTo(-1);
	}

}

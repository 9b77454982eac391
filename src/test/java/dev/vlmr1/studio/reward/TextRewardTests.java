package dev.vlmr1.studio.reward;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class TextRewardTests {

	private final RewardRegistry registry = RewardRegistry.standard();

	private double score(String function, String completion, String solution) {
		return registry.create(RewardTerm.of(function)).score(Completion.of(completion), RewardSample.of("q", solution));
	}

	@Test
	void exactComparesCleanedLastAnswers() {
		assertThat(score("exact", "<answer>dog</answer><answer> The\nCat.</answer>", "the cat")).isEqualTo(1.0);
		assertThat(score("exact", "<answer>the cat..</answer>", "the cat")).isZero();
		assertThat(score("exact", "<answer>a cat</answer>", "<answer>A cat</answer>")).isEqualTo(1.0);
		// no answer block: the whole completion is compared (VLM-R1's fallback)
		assertThat(score("exact", "The cat", "the cat")).isEqualTo(1.0);
		assertThat(score("exact", "<think>the cat</think>", "the cat")).isZero();
	}

	@Test
	void numericStripsSeparatorsPercentAndUnits() {
		assertThat(score("numeric", "<answer>1,024 px</answer>", "1024")).isEqualTo(1.0);
		assertThat(score("numeric", "<answer>3 balls.</answer>", "<answer>3</answer>")).isEqualTo(1.0);
		assertThat(score("numeric", "<answer>50%</answer>", "50")).isEqualTo(1.0);
		assertThat(score("numeric", "<answer>$2.50</answer>", "2.5")).isEqualTo(1.0);
		assertThat(score("numeric", "<answer>3.0000001</answer>", "3")).isEqualTo(1.0);
		assertThat(score("numeric", "<answer>3.1</answer>", "3")).isZero();
		assertThat(score("numeric", "<answer>three</answer>", "3")).isZero();
		assertThat(score("numeric", "<answer>3 or 4</answer>", "3")).isZero();
		assertThat(score("numeric", "<answer>3</answer>", "many")).isZero();
		assertThat(score("numeric", "<answer>-0</answer>", "0")).isEqualTo(1.0);
	}

	@Test
	void choiceNeedsOneOptionLetter() {
		assertThat(score("choice", "<answer>The answer is (B).</answer>", "B")).isEqualTo(1.0);
		assertThat(score("choice", "<answer>B</answer>", "<answer>B. a red ball</answer>")).isEqualTo(1.0);
		assertThat(score("choice", "<answer>C</answer>", "B")).isZero();
		assertThat(score("choice", "<answer>A, B</answer>", "B")).isZero();
		assertThat(score("choice", "<answer>A cat sits on the mat</answer>", "A")).isZero();
		assertThat(score("choice", "<answer></answer>", "A")).isZero();
	}

	@Test
	void yesNoTakesTheFirstWholeWord() {
		assertThat(score("yes_no", "<answer>Yes, it is.</answer>", "yes")).isEqualTo(1.0);
		assertThat(score("yes_no", "<answer>No. Yes?</answer>", "no")).isEqualTo(1.0);
		// VLM-R1 found "no" inside "know"
		assertThat(score("yes_no", "<answer>I don't know</answer>", "no")).isZero();
		// VLM-R1 scored two answers without yes/no as equal
		assertThat(score("yes_no", "<answer>maybe</answer>", "maybe")).isZero();
	}

	@Test
	void fuzzyIsPythonLevenshteinRatio() {
		// LCS("kitten", "sitting") = 4: 2·4 / 13
		assertThat(score("fuzzy", "<answer>kitten</answer>", "sitting")).isCloseTo(8 / 13.0, within(1e-12));
		assertThat(score("fuzzy", "<answer>Red car.</answer>", "red car")).isEqualTo(1.0);
		assertThat(score("fuzzy", "<answer></answer>", "")).isEqualTo(1.0);
		assertThat(score("fuzzy", "<answer>abc</answer>", "xyz")).isZero();
		assertThat(FuzzyReward.ratio("ab", "")).isZero();
	}

}

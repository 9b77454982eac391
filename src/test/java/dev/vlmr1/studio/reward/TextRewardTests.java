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
		// VLM-R1's clean_text drops every trailing dot and strips Unicode whitespace
		assertThat(score("exact", "<answer>the cat..</answer>", "the cat")).isEqualTo(1.0);
		assertThat(score("exact", "<answer>\u00a0the cat\u3000</answer>", "the cat")).isEqualTo(1.0);
		assertThat(score("exact", "<answer>the cat .</answer>", "the cat")).isZero();
		assertThat(score("exact", "<answer>a cat</answer>", "<answer>A cat</answer>")).isEqualTo(1.0);
		// no answer block: the whole completion is compared (VLM-R1's fallback)
		assertThat(score("exact", "The cat", "the cat")).isEqualTo(1.0);
		assertThat(score("exact", "<think>the cat</think>", "the cat")).isZero();
	}

	@Test
	void numericComparesFloatsExactlyAsVlmr1() {
		assertThat(score("numeric", "<answer>3.0000001</answer>", "3")).isZero();
		assertThat(score("numeric", "<answer>3.0</answer>", "3")).isEqualTo(1.0);
		// Python's float(): Unicode digits, underscores, exponents, inf
		assertThat(score("numeric", "<answer>\uff13</answer>", "3")).isEqualTo(1.0);
		assertThat(score("numeric", "<answer>1_000</answer>", "1e3")).isEqualTo(1.0);
		assertThat(score("numeric", "<answer>inf</answer>", "Infinity")).isEqualTo(1.0);
		assertThat(score("numeric", "<answer>nan</answer>", "nan")).isZero();
		assertThat(score("numeric", "<answer>3</answer>", "many")).isZero();
		assertThat(score("numeric", "<answer>-0</answer>", "0")).isEqualTo(1.0);
	}

	@Test
	void numericReadsSeparatorsPercentAndUnitsWhereFloatFails() {
		// deviation: VLM-R1's numeric_reward returns None (no score) for these
		assertThat(score("numeric", "<answer>1,024 px</answer>", "1024")).isEqualTo(1.0);
		assertThat(score("numeric", "<answer>3 balls.</answer>", "<answer>3</answer>")).isEqualTo(1.0);
		assertThat(score("numeric", "<answer>50%</answer>", "50")).isEqualTo(1.0);
		assertThat(score("numeric", "<answer>$2.50</answer>", "2.5")).isEqualTo(1.0);
		assertThat(score("numeric", "<answer>3.1 m</answer>", "3")).isZero();
		assertThat(score("numeric", "<answer>three</answer>", "3")).isZero();
		assertThat(score("numeric", "<answer>3 or 4</answer>", "3")).isZero();
	}

	@Test
	void choiceReadsTheFirstAnswerAsVlmr1sExtractChoice() {
		assertThat(score("choice", "<answer>The answer is B.</answer>", "B")).isEqualTo(1.0);
		// as VLM-R1: a letter must be followed by punctuation or the end, and ")" is neither
		assertThat(score("choice", "<answer>The answer is (B).</answer>", "B")).isZero();
		assertThat(score("choice", "<answer>B</answer>", "<answer>B. a red ball</answer>")).isEqualTo(1.0);
		assertThat(score("choice", "<answer>C</answer>", "B")).isZero();
		// lower case is upper-cased first
		assertThat(score("choice", "<answer>b.</answer>", "B")).isEqualTo(1.0);
		// the first answer block counts
		assertThat(score("choice", "<answer>C</answer><answer>B</answer>", "B")).isZero();
		// of several letters, the heuristics prefer one near the end
		assertThat(score("choice", "<answer>A, B</answer>", "B")).isEqualTo(1.0);
		assertThat(score("choice", "<answer>A cat sits on the mat</answer>", "A")).isZero();
		assertThat(score("choice", "<answer></answer>", "A")).isZero();
	}

	@Test
	void yesNoTakesTheFirstYesOrNoOfTheFirstAnswer() {
		assertThat(score("yes_no", "<answer>Yes, it is.</answer>", "yes")).isEqualTo(1.0);
		assertThat(score("yes_no", "<answer>No. Yes?</answer>", "no")).isEqualTo(1.0);
		assertThat(score("yes_no", "<answer>no</answer><answer>yes</answer>", "no")).isEqualTo(1.0);
		// as VLM-R1: a substring ("know" holds "no"), and neither side having one counts as equal
		assertThat(score("yes_no", "<answer>I don't know</answer>", "no")).isEqualTo(1.0);
		assertThat(score("yes_no", "<answer>maybe</answer>", "maybe")).isEqualTo(1.0);
	}

	@Test
	void fuzzyIsPythonLevenshteinRatio() {
		// LCS("kitten", "sitting") = 4: 2·4 / 13
		assertThat(score("fuzzy", "<answer>kitten</answer>", "sitting")).isCloseTo(8 / 13.0, within(1e-12));
		assertThat(score("fuzzy", "<answer>Red car.</answer>", "red car")).isEqualTo(1.0);
		assertThat(score("fuzzy", "<answer></answer>", "")).isEqualTo(1.0);
		assertThat(score("fuzzy", "<answer>abc</answer>", "xyz")).isZero();
		assertThat(FuzzyReward.ratio("ab", "")).isZero();
		// code points, as Python: an emoji is one character
		assertThat(FuzzyReward.ratio("a😀", "a")).isCloseTo(2 / 3.0, within(1e-12));
	}

}

package dev.vlmr1.studio.reward;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code math}: numbers, fractions, percentages, \boxed{} and VLM-R1's LaTeX normalisation; no symbolic algebra. */
class MathRewardTests {

	private final RewardFunction math = RewardRegistry.standard().create(RewardTerm.of("math"));

	private double score(String answer, String solution) {
		return math.score(Completion.of("<think>t</think><answer>" + answer + "</answer>"), RewardSample.of("q",
				solution));
	}

	@Test
	void equalNumbersInAnyNotationScoreOne() {
		assertThat(score("0.5", "1/2")).isEqualTo(1.0);
		assertThat(score("\\frac{1}{2}", "0.50")).isEqualTo(1.0);
		assertThat(score("\\dfrac{3}{4}", "75%")).isEqualTo(1.0);
		assertThat(score("50\\%", "0.5")).isEqualTo(1.0);
		assertThat(score("The result is \\boxed{42}", "42")).isEqualTo(1.0);
		assertThat(score("$\\boxed{-2.0}$", "-2")).isEqualTo(1.0);
		assertThat(score("2.0", "2")).isEqualTo(1.0);
	}

	@Test
	void differentNumbersScoreZero() {
		assertThat(score("0.51", "1/2")).isZero();
		assertThat(score("\\boxed{41}", "42")).isZero();
		assertThat(score("1/0", "0")).isZero();
		assertThat(score("", "3")).isZero();
	}

	@Test
	void vlmr1sLatexNormalisationDecidesTheRest() {
		// strip_string: \left/\right, spaces, "x = " prefixes, \sqrt2, units after \text{ , degrees
		assertThat(score("\\left(1,2\\right)", "(1, 2)")).isEqualTo(1.0);
		assertThat(score("x = 3", "3")).isEqualTo(1.0);
		assertThat(score("\\sqrt2", "\\sqrt{2}")).isEqualTo(1.0);
		assertThat(score("10^{\\circ}", "10")).isEqualTo(1.0);
		assertThat(score("2\\text{ cm}", "2")).isEqualTo(1.0);
		assertThat(score("\\boxed 5", "5")).isEqualTo(1.0);
		// an \fbox fails remove_boxed's assertion: VLM-R1 scores 0
		assertThat(score("\\fbox{5}", "6")).isZero();
	}

	@Test
	void symbolicEquivalenceIsNotCovered() {
		// math_verify would say 1 for these; without a computer algebra system we say 0 (REWARDS-PARITY.md)
		assertThat(score("2(x+1)", "2x+2")).isZero();
		assertThat(score("\\sqrt{4}", "2")).isZero();
	}

	@Test
	void stripStringIsVlmr1s() {
		assertThat(Vlmr1MathStrings.strip("\\dfrac12")).isEqualTo("\\frac{1}{2}");
		assertThat(Vlmr1MathStrings.strip("3/4")).isEqualTo("\\frac{3}{4}");
		assertThat(Vlmr1MathStrings.strip(" .5")).isEqualTo("\\frac{1}{2}");
		assertThat(Vlmr1MathStrings.isEquiv("a/b", "a/b")).isTrue();
		assertThat(Vlmr1MathStrings.lastBoxedOnly("x \\boxed{\\frac{1}{2}} y")).isEqualTo("\\boxed{\\frac{1}{2}}");
	}

}

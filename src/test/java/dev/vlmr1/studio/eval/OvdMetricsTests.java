package dev.vlmr1.studio.eval;

import java.util.List;

import dev.vlmr1.studio.reward.RewardSample;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class OvdMetricsTests {

	private static final String CAT_A = "{\"bbox_2d\": [0, 0, 100, 100], \"label\": \"cat\"}";

	private static final String CAT_B = "{\"bbox_2d\": [200, 200, 300, 300], \"label\": \"cat\"}";

	private static final String DOG_A = "{\"bbox_2d\": [0, 0, 100, 100], \"label\": \"dog\"}";

	private final OvdMetrics metrics = new OvdMetrics(false);

	private static RewardSample gt(String answer) {
		return RewardSample.of("detect", answer);
	}

	private static String says(String answer) {
		return "<think>t</think><answer>" + answer + "</answer>";
	}

	@Test
	void perfect() {
		OvdReport r = metrics.evaluate(List.of(says("[" + CAT_A + "]"), says("```json\n[" + DOG_A + "]\n```")),
				List.of(gt("[" + CAT_A + "]"), gt("[" + DOG_A + "]")));
		assertThat(r.map()).isEqualTo(1.0);
		assertThat(r.ap50()).isEqualTo(1.0);
		assertThat(r.precision()).isEqualTo(1.0);
		assertThat(r.recall()).isEqualTo(1.0);
		assertThat(r.samples().get(1).truePositives()).isEqualTo(1);
	}

	@Test
	void emptyEverywhere() {
		OvdReport r = metrics.evaluate(List.of(says("None")), List.of(gt("None")));
		assertThat(r.map()).as("no category to average over").isZero();
		assertThat(r.precision()).isEqualTo(1.0);
		assertThat(r.recall()).isEqualTo(1.0);
	}

	@Test
	void partialOverlap() {
		String loose = "{\"bbox_2d\": [0, 0, 100, 78], \"label\": \"cat\"}";
		OvdReport r = metrics.evaluate(List.of(says("[" + loose + "]")), List.of(gt("[" + CAT_A + "]")));
		assertThat(r.ap50()).isEqualTo(1.0);
		assertThat(r.map()).isCloseTo(0.6, within(1e-12));
		assertThat(r.precision()).isEqualTo(1.0);
	}

	@Test
	void duplicatesLowerPrecisionNotAp() {
		OvdReport r = metrics.evaluate(List.of(says("[" + CAT_A + ", " + CAT_A + "]")), List.of(gt("[" + CAT_A + "]")));
		assertThat(r.map()).isEqualTo(1.0);
		assertThat(r.precision()).isEqualTo(0.5);
		assertThat(r.recall()).isEqualTo(1.0);
	}

	@Test
	void wrongLabelsFindNothing() {
		OvdReport r = metrics.evaluate(List.of(says("[" + DOG_A + "]")), List.of(gt("[" + CAT_A + "]")));
		assertThat(r.map()).isZero();
		assertThat(r.precision()).isZero();
		assertThat(r.recall()).isZero();
		assertThat(r.perCategory()).containsEntry("cat", 0.0);
	}

	@Test
	void predictionsOnANoneImageAreFalsePositives() {
		// image 1 (None) has a cat prediction ranked before image 2's hit: hits [F, T] over 1 GT → AP 0.5
		OvdReport r = metrics.evaluate(List.of(says("[" + CAT_A + "]"), says("[" + CAT_B + "]")),
				List.of(gt("None"), gt("[" + CAT_B + "]")));
		assertThat(r.map()).isCloseTo(0.5, within(1e-12));
		assertThat(r.precision()).isEqualTo(0.5);
		assertThat(r.recall()).isEqualTo(1.0);
	}

	@Test
	void unreadableAnswersPredictNothingAndSayWhy() {
		OvdReport r = metrics.evaluate(List.of(says("[" + CAT_A), "no tags"),
				List.of(gt("[" + CAT_A + "]"), gt("[" + CAT_B + "]")));
		assertThat(r.recall()).isZero();
		assertThat(r.samples().get(0).problem()).startsWith("not JSON");
		assertThat(r.samples().get(1).problem()).isEqualTo("no <answer> block");
		assertThat(r.samples().get(0).groundTruth()).hasSize(1);
	}

}

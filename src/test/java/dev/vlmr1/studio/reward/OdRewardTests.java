package dev.vlmr1.studio.reward;

import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class OdRewardTests {

	private final RewardRegistry registry = RewardRegistry.standard();

	private static final String CAT_A = "{\"bbox_2d\": [0, 0, 100, 100], \"label\": \"cat\"}";

	private static final String CAT_B = "{\"bbox_2d\": [200, 200, 300, 300], \"label\": \"cat\"}";

	private static final String DOG_B = "{\"bbox_2d\": [200, 200, 300, 300], \"label\": \"dog\"}";

	/** A list answer is fenced, as VLM-R1 requires (an unfenced list is no prediction there). */
	private double score(String function, Map<String, Object> params, String answer, String truth) {
		RewardFunction fn = registry.create(new RewardTerm(function, 1, params));
		return fn.score(Completion.of("<think>t</think><answer>" + fenced(answer) + "</answer>"), RewardSample.of("q",
				truth));
	}

	private static String fenced(String answer) {
		return answer.startsWith("[") ? "```json\n" + answer + "\n```" : answer;
	}

	private double score(String function, String answer, String truth) {
		return score(function, Map.of(), answer, truth);
	}

	@Test
	void noneVersusNoneIsOneAndExactlyOneEmptyIsZero() {
		for (String fn : new String[] { "od_ap", "od_ap50", "od_length", "od_weighted" }) {
			assertThat(score(fn, "None", "None")).as(fn).isEqualTo(1.0);
			// weighted_sum compares cleaned text with "none": an empty list is not "none" there
			assertThat(score(fn, "[]", "None")).as(fn).isEqualTo(fn.equals("od_weighted") ? 0.0 : 1.0);
			assertThat(score(fn, "[" + CAT_A + "]", "None")).as(fn).isZero();
		}
		// VLM-R1 reads only fenced lists: an unfenced one is no prediction
		RewardFunction ap = registry.create(RewardTerm.of("od_ap"));
		assertThat(ap.score(Completion.of("<answer>[" + CAT_A + "]</answer>"), RewardSample.of("q", "[" + CAT_A + "]")))
			.isZero();
		assertThat(score("od_ap", "None", "[" + CAT_A + "]")).isZero();
		assertThat(score("od_length", "None", "[" + CAT_A + "]")).isZero();
	}

	@Test
	void perfectFencedAnswer() {
		String answer = "```json\n[" + CAT_A + ", " + DOG_B + "]\n```";
		assertThat(score("od_ap", answer, "```json\n[" + CAT_A + ", " + DOG_B + "]\n```")).isEqualTo(1.0);
		assertThat(score("od_length", answer, "[" + CAT_A + ", " + DOG_B + "]")).isEqualTo(1.0);
	}

	@Test
	void noAnswerOrMalformedJsonScoresZero() {
		RewardFunction fn = registry.create(RewardTerm.of("od_ap"));
		assertThat(fn.score(Completion.of("I see a cat"), RewardSample.of("q", "[" + CAT_A + "]"))).isZero();
		assertThat(score("od_ap", "```json\n[" + CAT_A + "\n```", "[" + CAT_A + "]")).isZero();
		// VLM-R1 scored unreadable JSON 1.0 against a None ground truth; an unreadable answer is wrong here
		assertThat(score("od_ap", "```json\n[{\"bbox_2d\": \n```", "None")).isZero();
	}

	@Test
	void moreBoxesThanGroundTruthArePenalisedByOdLengthOnly() {
		String answer = "[" + CAT_A + ", " + CAT_B + "]";
		assertThat(score("od_ap", answer, "[" + CAT_A + "]")).isEqualTo(1.0);
		assertThat(score("od_length", answer, "[" + CAT_A + "]")).isCloseTo(0.5, within(1e-12));
		// duplicates too
		assertThat(score("od_length", "[" + CAT_A + ", " + CAT_A + ", " + CAT_A + "]", "[" + CAT_A + "]"))
			.isCloseTo(1 / 3.0, within(1e-12));
	}

	@Test
	void labelsOutsideTheGroundTruthAreDroppedButCountForLength() {
		String answer = "[" + DOG_B + ", " + CAT_A + "]";
		assertThat(score("od_ap", answer, "[" + CAT_A + "]")).isEqualTo(1.0);
		assertThat(score("od_length", answer, "[" + CAT_A + "]")).isCloseTo(0.5, within(1e-12));
		assertThat(score("od_ap", "[" + DOG_B + "]", "[" + CAT_A + "]")).isZero();
	}

	@Test
	void ap50DiffersFromApOnLooseBoxes() {
		String loose = "[{\"bbox_2d\": [0, 0, 100, 78], \"label\": \"cat\"}]";
		assertThat(score("od_ap50", loose, "[" + CAT_A + "]")).isEqualTo(1.0);
		assertThat(score("od_ap", loose, "[" + CAT_A + "]")).isCloseTo(0.6, within(1e-12));
	}

	@Test
	void rescaleIsOffByDefaultForOvd() {
		// the model saw 560×280 of a 1000×500 image; [56, 28, 280, 140] is [100, 50, 500, 250] in the original
		SampleImage image = new SampleImage(1000, 500, 1, 20, 40);
		RewardSample sample = RewardSample.of("q", "[{\"bbox_2d\": [100, 50, 500, 250], \"label\": \"cat\"}]")
			.withImage(image);
		Completion c = Completion
			.of("<answer>```json\n[{\"bbox_2d\": [56, 28, 280, 140], \"label\": \"cat\"}]\n```</answer>");
		assertThat(registry.create(RewardTerm.of("od_ap")).score(c, sample)).isZero();
		RewardResult rescaled = registry.create(new RewardTerm("od_ap", 1, Map.of("rescale", true))).evaluate(c, sample);
		assertThat(rescaled.score()).isCloseTo(1.0, within(1e-12));
		assertThat(rescaled.parse().detections().get(0).box()).isEqualTo(new Box(100, 50, 500, 250));
	}

	@Test
	void weightedHandComputed() {
		// gt cat A, dog B; pred cat A (IoU 1), bird B (matched, label wrong: 0), cat far (unmatched)
		// position 1/2, miss 0, false alarm 1/3, completeness 5/6 → 0.7·0.5 + 0.3·5/6 = 0.6 (VLM-R1's IoU of a box
		// with itself is 1)
		String far = "{\"bbox_2d\": [500, 500, 600, 600], \"label\": \"cat\"}";
		String bird = "{\"bbox_2d\": [200, 200, 300, 300], \"label\": \"bird\"}";
		double s = score("od_weighted", "[" + CAT_A + ", " + bird + ", " + far + "]", "[" + CAT_A + ", " + DOG_B + "]");
		assertThat(s).isCloseTo(0.6, within(1e-12));
	}

	@Test
	void weightedStopsBelowMinIou() {
		// IoU 0.3 < 0.5: nothing matched; position 0, miss 1, false alarm 1 → completeness 0 → 0
		String off = "{\"bbox_2d\": [0, 0, 100, 30], \"label\": \"cat\"}";
		assertThat(score("od_weighted", "[" + off + "]", "[" + CAT_A + "]")).isZero();
		assertThat(score("od_weighted", Map.of("min_iou", 0.2), "[" + off + "]", "[" + CAT_A + "]"))
			.isCloseTo(0.7 * 0.3 + 0.3, within(1e-12));
	}

}

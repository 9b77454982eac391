package dev.vlmr1.studio.reward;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The deliberate deviations from VLM-R1 (REWARDS-PARITY.md), one test each: what VLM-R1 does (read from the parity
 * fixture, where VLM-R1's own code produced it) and what we do instead.
 */
class Vlmr1DeviationTests {

	private static final String CAT_A = "{\"bbox_2d\": [0, 0, 100, 100], \"label\": \"cat\"}";

	private final RewardRegistry registry = RewardRegistry.standard();

	private final Vlmr1ParityTests parity = new Vlmr1ParityTests();

	private double score(String function, Map<String, Object> params, Completion c, String solution) {
		return registry.create(new RewardTerm(function, 1, params)).score(c, RewardSample.of("q", solution));
	}

	private static List<JsonNode> casesOf(Vlmr1ParityTests.Deviation deviation) throws IOException {
		return Vlmr1ParityTests.cases().stream()
			.filter((c) -> Vlmr1ParityTests.Deviation.of(c).filter(deviation::equals).isPresent())
			.toList();
	}

	@Test
	void aMatchedPredictionWithoutLabelIsALabelMismatchWhereVlmr1Raises() throws IOException {
		// VLM-R1: detection_score reads pred_label before assigning it: UnboundLocalError
		List<JsonNode> cases = casesOf(Vlmr1ParityTests.Deviation.UNLABELLED_MATCH_RAISES);
		assertThat(cases).isNotEmpty()
			.allSatisfy((c) -> assertThat(c.get("vlmr1_error").asText()).isEqualTo("UnboundLocalError"));
		cases.forEach((c) -> assertThat(parity.score(c)).isBetween(0.0, 1.0));
		// ours: matched at IoU 1 but counted 0; nothing missed, nothing false → 0.7·0 + 0.3·1
		Completion c = Completion.of("<answer>```json\n[{\"bbox_2d\": [0, 0, 100, 100]}]\n```</answer>");
		assertThat(score("od_weighted", Map.of(), c, "```json\n[" + CAT_A + "]\n```")).isCloseTo(0.3, within(1e-12));
	}

	@Test
	void anUnreadableAnswerAgainstAnEmptyTruthScoresZeroWhereVlmr1GivesOne() throws IOException {
		// VLM-R1: map_reward finds no ```json list on either side, "both empty": 1.0
		List<JsonNode> cases = casesOf(Vlmr1ParityTests.Deviation.UNFENCED_ANSWER_AGAINST_EMPTY_TRUTH);
		assertThat(cases).isNotEmpty().allSatisfy((c) -> {
			assertThat(c.get("vlmr1").asDouble()).isEqualTo(1.0);
			assertThat(parity.score(c)).as(c.get("completion").asText()).isZero();
		});
		for (String fn : List.of("od_ap", "od_ap50", "od_length", "map")) {
			assertThat(score(fn, Map.of(), Completion.of("<answer>garbage</answer>"), "None")).as(fn).isZero();
			// saying "nothing" in any readable way still scores 1
			assertThat(score(fn, Map.of(), Completion.of("<answer>None</answer>"), "None")).as(fn).isEqualTo(1.0);
			assertThat(score(fn, Map.of(), Completion.of("<answer>[]</answer>"), "None")).as(fn).isEqualTo(1.0);
		}
	}

	@Test
	void aWrongAnswerTakesTheWrongBranchOfLengthCosineWhereVlmr1TakesTheCorrectOne() throws IOException {
		// VLM-R1: cosine_reward sets acc_reward = 1.0 before testing it: 1.0 − 0.5·(1 − cos(πL/1024))/2 always
		List<JsonNode> cases = casesOf(Vlmr1ParityTests.Deviation.COSINE_WRONG_ANSWER);
		assertThat(cases).isNotEmpty().allSatisfy((c) -> assertThat(c.get("vlmr1").asDouble())
			.isCloseTo(1.0 - 0.5 * (1 - Math.cos(c.get("tokens").asInt() * Math.PI / 1024)) / 2, within(1e-9)));
		// ours: a wrong answer scores wrong_max (0) at length 0 down to wrong_min (−0.5) at Lmax
		Map<String, Object> params = Map.of("accuracy", "exact");
		assertThat(score("length_cosine", params, new Completion("<answer>dog</answer>", 0), "cat")).isZero();
		assertThat(score("length_cosine", params, new Completion("<answer>dog</answer>", 1024), "cat"))
			.isCloseTo(-0.5, within(1e-12));
		assertThat(score("length_cosine", params, new Completion("<answer>cat</answer>", 1024), "cat"))
			.isCloseTo(0.5, within(1e-12));
	}

	@Test
	void lengthCosineWrapsPastMaxLengthAsVlmr1UnlessAskedToClip() throws IOException {
		// not a deviation by default: cos(π·L/1024) past 1,024 tokens climbs again, 2,048 tokens score like 0
		List<JsonNode> past = Vlmr1ParityTests.cases().stream()
			.filter((c) -> c.get("family").asText().equals("length_cosine") && c.get("tokens").asInt() > 1024
					&& Vlmr1ParityTests.Deviation.of(c).isEmpty())
			.toList();
		assertThat(past).isNotEmpty()
			.allSatisfy((c) -> assertThat(parity.score(c)).isCloseTo(c.get("vlmr1").asDouble(), within(1e-9)));
		Completion longCorrect = new Completion("<answer>cat</answer>", 2048);
		assertThat(score("length_cosine", Map.of("accuracy", "exact"), longCorrect, "cat")).isCloseTo(1.0,
				within(1e-12));
		// the option: clip L at Lmax
		assertThat(score("length_cosine", Map.of("accuracy", "exact", "past_max_length", "clip"), longCorrect, "cat"))
			.isCloseTo(0.5, within(1e-12));
	}

	@Test
	void numericReadsSeparatorsAndUnitsWhereVlmr1GivesNoScore() throws IOException {
		// VLM-R1: float() raises, numeric_reward returns None (its default method then falls back to fuzzy)
		List<JsonNode> cases = casesOf(Vlmr1ParityTests.Deviation.NUMERIC_NOT_A_FLOAT);
		assertThat(cases).isNotEmpty().allSatisfy((c) -> assertThat(c.get("vlmr1").isNull()).isTrue());
		assertThat(score("numeric", Map.of(), Completion.of("<answer>1,000</answer>"), "1000")).isEqualTo(1.0);
		assertThat(score("numeric", Map.of(), Completion.of("<answer>3 balls</answer>"), "3")).isEqualTo(1.0);
		assertThat(score("numeric", Map.of(), Completion.of("<answer>a few</answer>"), "3")).isZero();
	}

	@Test
	void aGroundTruthWithoutACountedBoxScoresZeroWhereVlmr1ReturnsMinusOne() {
		// VLM-R1: pycocotools ignores a ground truth of negative area; with none left, stats[0] is −1, returned as is
		String inverted = "```json\n[{\"bbox_2d\": [100, 0, 0, 100], \"label\": \"cat\"}]\n```";
		Completion c = Completion.of("<answer>```json\n[" + CAT_A + "]\n```</answer>");
		assertThat(Vlmr1Ovd.calculateMap(Vlmr1Ovd.prediction(c.text()).items(), Vlmr1Ovd.truth(inverted).items(), false,
				(b) -> b)).isEqualTo(-1.0);
		assertThat(score("od_ap", Map.of(), c, inverted)).isZero();
		assertThat(score("map", Map.of(), c, inverted)).isZero();
	}

	@Test
	void aBareJsonListAsGroundTruthIsReadWhereVlmr1SeesNoList() {
		// VLM-R1 reads ground truths only from a ```json fence; a bare list would make every prediction wrong
		Completion c = Completion.of("<answer>```json\n[" + CAT_A + "]\n```</answer>");
		assertThat(score("od_ap", Map.of(), c, "[" + CAT_A + "]")).isEqualTo(1.0);
		assertThat(score("od_weighted", Map.of(), c, "[" + CAT_A + "]")).isCloseTo(1.0, within(1e-12));
	}

	@Test
	void anInvertedPredictionIsIgnoredAsPycocotoolsIgnoresIt() {
		// not a deviation: one inverted axis gives a negative area, outside the "all" area range, so pycocotools
		// neither counts it as a hit nor as a false positive
		String invertedFirst = "```json\n[{\"bbox_2d\": [100, 0, 0, 100], \"label\": \"cat\"}, " + CAT_A + "]\n```";
		assertThat(score("od_ap", Map.of(), Completion.of("<answer>" + invertedFirst + "</answer>"),
				"```json\n[" + CAT_A + "]\n```")).isEqualTo(1.0);
		// both axes inverted: positive area, IoU 0, a false positive ranked first
		String bothInverted = "```json\n[{\"bbox_2d\": [100, 100, 0, 0], \"label\": \"cat\"}, " + CAT_A + "]\n```";
		assertThat(score("od_ap", Map.of(), Completion.of("<answer>" + bothInverted + "</answer>"),
				"```json\n[" + CAT_A + "]\n```")).isCloseTo(0.5, within(1e-12));
		CocoAp.Result eval = CocoAp.oneImage(List.of(new Detection("cat", new Box(0, 0, 100, 100))),
				List.of(new Detection("cat", new Box(100, 0, 0, 100)), new Detection("cat", new Box(0, 0, 100, 100))));
		assertThat(eval.ap()).isEqualTo(1.0);
	}

}

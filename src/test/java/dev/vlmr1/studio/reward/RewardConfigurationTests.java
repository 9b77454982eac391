package dev.vlmr1.studio.reward;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class RewardConfigurationTests {

	private static final SampleImage IMAGE = new SampleImage(1000, 500, 1, 20, 40);

	private static final RewardSample REC = RewardSample.of("the cat", "[100, 50, 500, 250]").withImage(IMAGE);

	private static final Completion GOOD = Completion
		.of("<think>left</think><answer>{\"bbox_2d\": [56, 28, 280, 140]}</answer>");

	private static final Completion UNFORMATTED = Completion.of("<answer>[56, 28, 280, 140]</answer>");

	@Test
	void appliesWeights() {
		var config = RewardConfiguration.of(List.of(new RewardTerm("iou", 2.0, Map.of()),
				new RewardTerm("format_rec", 0.5, Map.of())));
		RewardBatch batch = config.score(List.of(GOOD, UNFORMATTED), List.of(REC, REC));
		assertThat(batch.totals()).containsExactly(new double[] { 2.5, 2.0 }, within(1e-12));
		assertThat(batch.scores("format_rec")).containsExactly(1.0, 0.0);
		assertThat(batch.scores("iou")).containsExactly(new double[] { 1.0, 1.0 }, within(1e-12));
		assertThat(batch.functions()).containsExactly("iou", "format_rec");
	}

	@Test
	void recPresetTotalsTwoForAPerfectAnswer() {
		var config = RewardConfiguration.of(RewardPresets.get(RewardPresets.REC).orElseThrow());
		assertThat(config.score(List.of(GOOD), List.of(REC)).totals()[0]).isCloseTo(2.0, within(1e-12));
	}

	@Test
	void sampleMethodRoutesTheAccuracyTerm() {
		var config = RewardConfiguration.of(List.of(RewardTerm.of("exact"), RewardTerm.of("format")));
		Completion c = Completion.of("<think>t</think><answer>3 balls</answer>");
		RewardSample plain = RewardSample.of("how many?", "3");
		RewardBatch batch = config.score(List.of(c, c, c, c),
				List.of(plain, plain.withMethod("numeric"), plain.withMethod("default"), plain.withMethod("mcq")));
		assertThat(batch.scores("exact")).containsExactly(0.0, 1.0, 0.0, 0.0);
		assertThat(batch.completions().get(1).functions().get(0).routedTo()).isEqualTo("numeric");
		assertThat(batch.completions().get(0).functions().get(0).routedTo()).isNull();
		assertThat(batch.completions().get(3).functions().get(0).routedTo()).isEqualTo("choice");
		// format terms are never routed
		assertThat(batch.scores("format")).containsExactly(1.0, 1.0, 1.0, 1.0);
	}

	@Test
	void throwingFunctionScoresZeroAndIsCounted() {
		var config = RewardConfiguration.of(RewardPresets.get(RewardPresets.REC).orElseThrow());
		RewardSample broken = RewardSample.of("the cat", "somewhere left").withImage(IMAGE);
		RewardSample unknownMethod = REC.withMethod("llm");
		RewardBatch batch = config.score(List.of(GOOD, GOOD, GOOD), List.of(REC, broken, unknownMethod));
		assertThat(batch.scores("iou")).containsExactly(new double[] { 1.0, 0.0, 0.0 }, within(1e-12));
		assertThat(batch.scores("format_rec")).containsExactly(1.0, 1.0, 1.0);
		assertThat(batch.errorCounts()).containsEntry("iou", 2).containsEntry("format_rec", 0);
		FunctionScore failed = batch.completions().get(1).functions().get(0);
		assertThat(failed.error()).startsWith("IllegalArgumentException").contains("ground truth");
		assertThat(failed.parse()).isNull();
		assertThat(batch.completions().get(2).functions().get(0).error()).contains("unknown accu_reward_method");
		config.score(List.of(GOOD), List.of(broken));
		assertThat(config.errorCounts()).containsEntry("iou", 3L).containsEntry("format_rec", 0L);
	}

	@Test
	void dryRunReturnsParsesWithoutCountingErrors() throws Exception {
		var config = RewardConfiguration.of(RewardPresets.get(RewardPresets.REC).orElseThrow());
		RewardSample broken = RewardSample.of("the cat", "nowhere").withImage(IMAGE);
		RewardBatch batch = config.dryRun(List.of(GOOD, GOOD), List.of(REC, broken));
		RewardParse parse = batch.completions().get(0).functions().get(0).parse();
		assertThat(parse.answer()).isEqualTo("{\"bbox_2d\": [56, 28, 280, 140]}");
		assertThat(parse.box()).isEqualTo(new Box(56, 28, 280, 140));
		assertThat(parse.rescaledBox()).isEqualTo(new Box(100, 50, 500, 250));
		assertThat(parse.iou()).isCloseTo(1.0, within(1e-12));
		assertThat(batch.errorCounts()).containsEntry("iou", 1);
		assertThat(config.errorCounts()).containsEntry("iou", 0L);
		// the web layer serialises the batch as it is
		JsonNode json = new ObjectMapper().valueToTree(batch);
		JsonNode first = json.at("/completions/0/functions/0");
		assertThat(first.at("/parse/rescaledBox/x2").asDouble()).isEqualTo(500.0);
		assertThat(json.at("/completions/1/functions/0/error").asText()).contains("ground truth");
	}

	@Test
	void dryRunShowsParsedDetections() {
		var config = RewardConfiguration.of(RewardPresets.get(RewardPresets.OVD).orElseThrow());
		RewardSample ovd = RewardSample.of("detect cat", "[{\"bbox_2d\": [0, 0, 10, 10], \"label\": \"cat\"}]");
		Completion c = Completion
			.of("<think>t</think><answer>```json\n[{\"bbox_2d\": [0, 0, 10, 10], \"label\": \"cat\"}]\n```</answer>");
		RewardBatch batch = config.dryRun(List.of(c), List.of(ovd));
		RewardParse parse = batch.completions().get(0).functions().get(0).parse();
		assertThat(parse.detections()).containsExactly(new Detection("cat", new Box(0, 0, 10, 10)));
		assertThat(parse.groundTruthDetections()).hasSize(1);
		assertThat(batch.totals()[0]).isEqualTo(2.0);
	}

	@Test
	void parsesAndValidatesJson() {
		var config = RewardConfiguration.parse("[{\"function\": \"numeric\"}, {\"function\": \"format\", \"weight\": 0.1}]");
		assertThat(config.functionNames()).containsExactly("numeric", "format");
		assertThatThrownBy(() -> RewardConfiguration.parse("[{\"function\": \"nope\"}]"))
			.isInstanceOf(InvalidRewardConfigException.class)
			.hasMessageContaining("unknown function \"nope\"");
		assertThatThrownBy(() -> RewardConfiguration.of(List.of()))
			.isInstanceOf(InvalidRewardConfigException.class);
	}

	@Test
	void rejectsMismatchedBatchSizes() {
		var config = RewardConfiguration.of(List.of(RewardTerm.of("format")));
		assertThatThrownBy(() -> config.score(List.of(GOOD), List.of())).hasMessageContaining("one sample per completion");
	}

	@Test
	void lengthCosineWithoutTokensIsIsolated() {
		var config = RewardConfiguration.of(List.of(RewardTerm.of("exact"), RewardTerm.of("length_cosine")));
		Completion c = Completion.of("<answer>cat</answer>");
		RewardBatch batch = config.score(List.of(c, new Completion("<answer>cat</answer>", 0)),
				List.of(RewardSample.of("q", "cat"), RewardSample.of("q", "cat")));
		assertThat(batch.scores("length_cosine")).containsExactly(0.0, 1.0);
		assertThat(batch.scores("exact")).containsExactly(1.0, 1.0);
		assertThat(batch.errorCounts()).containsEntry("length_cosine", 1);
	}

}

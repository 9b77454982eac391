package dev.vlmr1.studio.executor;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import dev.vlmr1.studio.eval.RecAccuracy;
import dev.vlmr1.studio.eval.RecReport;
import dev.vlmr1.studio.reward.RewardSample;
import dev.vlmr1.studio.reward.SampleImage;
import dev.vlmr1.studio.train.TrainingSample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The per-split REC metrics of one evaluation: completions scored with VLM-R1's protocol, then grouped by the
 * samples' {@code split} field, beside the overall metrics that stay as they are.
 */
class EvaluatorSplitTests {

	private static final String TRUTH = "[10, 10, 50, 50]";

	@Test
	void accuracyAndMeanIouArePerSplitValue() {
		List<TrainingSample> samples = List.of(sample("a", "in_domain"), sample("b", "in_domain"),
				sample("c", "out_of_domain"), sample("d", "out_of_domain"), sample("e", "out_of_domain"));
		// a: exact, b: no box, c: exact, d: IoU 0.25 (not > 0.5), e: exact
		List<String> completions = List.of(answer("[10, 10, 50, 50]"), "I cannot tell", answer("[10, 10, 50, 50]"),
				answer("[10, 10, 30, 30]"), answer("[10, 10, 50, 50]"));
		RecReport report = score(samples, completions);

		Map<String, Double> metrics = Evaluator.perSplit(samples, report);

		assertThat(metrics).containsOnlyKeys("eval/rec_accuracy/in_domain", "eval/rec_mean_iou/in_domain",
				"eval/rec_accuracy/out_of_domain", "eval/rec_mean_iou/out_of_domain");
		assertThat(metrics.get("eval/rec_accuracy/in_domain")).isEqualTo(0.5);
		assertThat(metrics.get("eval/rec_mean_iou/in_domain")).isCloseTo(0.5, within(1e-9));
		assertThat(metrics.get("eval/rec_accuracy/out_of_domain")).isCloseTo(2 / 3.0, within(1e-9));
		assertThat(metrics.get("eval/rec_mean_iou/out_of_domain")).isCloseTo((1 + 0.25 + 1) / 3, within(1e-9));
		assertThat(report.accuracy()).as("the overall metric is over all samples").isCloseTo(0.6, within(1e-9));
	}

	@Test
	void samplesWithoutAStringSplitCountOnlyOverallAndOddNamesAreSanitised() {
		List<TrainingSample> samples = List.of(sample("a", null), sample("b", "  "), numericSplit("c"),
				sample("d", "test set/ood 2"), sample("e", "x".repeat(100)));
		RecReport report = score(samples, List.of(answer(TRUTH), answer(TRUTH), answer(TRUTH), answer(TRUTH), "none"));

		Map<String, Double> metrics = Evaluator.perSplit(samples, report);

		assertThat(metrics).containsOnlyKeys("eval/rec_accuracy/test_set_ood_2", "eval/rec_mean_iou/test_set_ood_2",
				"eval/rec_accuracy/" + "x".repeat(64), "eval/rec_mean_iou/" + "x".repeat(64));
		assertThat(metrics.get("eval/rec_accuracy/test_set_ood_2")).isEqualTo(1.0);
		assertThat(metrics.get("eval/rec_accuracy/" + "x".repeat(64))).isEqualTo(0.0);
		assertThat(Evaluator.perSplit(List.of(sample("z", null)), score(List.of(sample("z", null)), List.of(answer(TRUTH)))))
			.as("no split field anywhere: no per-split metric").isEmpty();
	}

	@Test
	void atMostSixteenSplitsAreReported() {
		List<TrainingSample> samples = new ArrayList<>();
		List<String> completions = new ArrayList<>();
		for (int i = 0; i < 20; i++) {
			samples.add(sample("s" + i, "split" + i));
			completions.add(answer(TRUTH));
		}
		Map<String, Double> metrics = Evaluator.perSplit(samples, score(samples, completions));
		assertThat(metrics).hasSize(32).containsKey("eval/rec_accuracy/split15").doesNotContainKey("eval/rec_accuracy/split16");
	}

	private static RecReport score(List<TrainingSample> samples, List<String> completions) {
		return RecAccuracy.vlmr1().evaluate(completions, samples.stream()
			.map((s) -> new RewardSample(s.question(), s.solution(), s.fields(),
					List.of(new SampleImage(112, 112, 1, 8, 8)), null)) // 8 × 14 = 112: boxes are not rescaled
			.toList());
	}

	private static String answer(String box) {
		return "<think>the box</think><answer>" + box + "</answer>";
	}

	private static TrainingSample sample(String id, @Nullable String split) {
		Map<String, @Nullable Object> fields = new HashMap<>();
		fields.put("task_type", "rec");
		if (split != null) {
			fields.put("split", split);
		}
		return new TrainingSample(id, "the square", List.of(), TRUTH, fields);
	}

	private static TrainingSample numericSplit(String id) {
		return new TrainingSample(id, "the square", List.of(), TRUTH, Map.of("task_type", "rec", "split", 3));
	}

}

package dev.vlmr1.studio;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.vlmr1.studio.reward.RewardScorers;
import dev.vlmr1.studio.train.RewardScorer;
import dev.vlmr1.studio.train.TrainingSample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The reward library's weighted configuration, adapted to the trainer's {@link RewardScorer} for {@code train}. */
class CliRewardScorerTests {

	@Test
	void scoresWithWeightsPerFunctionAndRowRouting() {
		RewardScorer scorer = RewardScorers.fromJson(
				"[{\"function\": \"format\", \"weight\": 0.5}, {\"function\": \"numeric\"}]");
		assertThat(scorer.functionNames()).containsExactly("format", "numeric");
		var sample = new TrainingSample("1", "How many?", List.of(), "3", Map.of());
		var good = new RewardScorer.Request(sample, "<think>count</think><answer>3</answer>", 9, List.of(), List.of());
		var bad = new RewardScorer.Request(sample, "three", 1, List.of(), List.of());
		RewardScorer.Scores scores = scorer.score(List.of(good, bad));
		assertThat(scores.totals()[0]).isCloseTo(1.5, within(1e-9));
		assertThat(scores.totals()[1]).isCloseTo(0.0, within(1e-9));
		assertThat(scores.perFunction().get("format")).containsExactly(1.0, 0.0);
	}

	@Test
	void passesImageSizesAndGrids() {
		RewardScorer scorer = RewardScorers.fromJson("[{\"function\": \"iou\"}]");
		var sample = new TrainingSample("1", "Where?", List.of(Path.of("a.png")), "[0, 0, 28, 28]", Map.of());
		var request = new RewardScorer.Request(sample, "<answer>[0, 0, 28, 28]</answer>", 5, List.of(new int[] { 56, 56 }),
				List.of(new long[] { 1, 4, 4 }));
		assertThat(scorer.score(List.of(request)).totals()[0]).isGreaterThan(0.0);
	}

}

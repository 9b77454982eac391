package dev.vlmr1.studio.train;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.vlmr1.studio.reward.RewardScorers;
import dev.vlmr1.studio.reward.RewardConfiguration;

import static org.assertj.core.api.Assertions.assertThat;

/** SFT targets in the think/answer format the REC template asks for, scoring 1 on the REC preset's rewards. */
class SftTargetsTests {

	private static final TrainingSample REC = new TrainingSample("r1",
			"Please provide the bounding box coordinate of the region this sentence describes: the red circle.",
			List.of(Path.of("a.png")), "[10, 20, 30, 40]", Map.of("task_type", "rec"));

	@Test
	void aBareRecBoxBecomesThinkingAndAJsonAnswerThatTheRecRewardsAccept() {
		TrainingSample target = SftTargets.inAnswerFormat(REC);
		assertThat(target.solution()).isEqualTo("<think>the red circle</think>\n<answer>{\"bbox_2d\": [10, 20, 30, 40]}</answer>");
		assertThat(target.question()).isEqualTo(REC.question());
		assertThat(target.images()).isEqualTo(REC.images());

		var scorer = RewardScorers.of(RewardConfiguration.parse("[{\"function\": \"iou\"}, {\"function\": \"format_rec\"}]"));
		var scores = scorer.score(List.of(new RewardScorer.Request(REC, target.solution(), 20,
				List.of(new int[] { 112, 112 }), List.of(new long[] { 1, 8, 8 }))));
		assertThat(scores.perFunction().get("format_rec")[0]).isEqualTo(1.0);
		assertThat(scores.perFunction().get("iou")[0]).isEqualTo(1.0);
	}

	@Test
	void solutionsAlreadyInTheFormatAndOtherTasksAreHandled() {
		TrainingSample formatted = new TrainingSample("r2", "q", List.of(), "<think>x</think><answer>[1, 2, 3, 4]</answer>",
				Map.of("task_type", "rec"));
		assertThat(SftTargets.inAnswerFormat(formatted)).isSameAs(formatted);
		TrainingSample counting = new TrainingSample("c1", "How many circles?", List.of(), "3", Map.of("task_type", "counting"));
		assertThat(SftTargets.inAnswerFormat(counting).solution()).startsWith("<think>").endsWith("<answer>3</answer>");
		assertThat(SftTargets.expression("no colon here")).isEqualTo("no colon here");
	}

}

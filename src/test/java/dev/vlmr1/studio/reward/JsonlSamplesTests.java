package dev.vlmr1.studio.reward;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JsonlSamplesTests {

	@Test
	void readsDataMdRows() {
		RewardSample s = JsonlSamples.fromLine("""
				{"id": 2, "image": ["a.png", "b.png"],
				 "conversations": [{"from": "human", "value": "<image><image>How many balls?"},
				                   {"from": "gpt", "value": 3}],
				 "accu_reward_method": "numeric", "source": null}""", List.of(SampleImage.ofSize(10, 10)));
		assertThat(s.question()).isEqualTo("How many balls?");
		assertThat(s.solution()).isEqualTo("3");
		assertThat(s.accuRewardMethod()).isEqualTo("numeric");
		assertThat(s.fields()).containsEntry("id", 2).containsEntry("source", null).doesNotContainKey("image");
		assertThat(s.images()).hasSize(1);
		// and it scores as a counting sample
		var config = RewardConfiguration.of(RewardPresets.get(RewardPresets.COUNTING).orElseThrow());
		assertThat(config.score(List.of(Completion.of("<think>two and one</think><answer>3</answer>")), List.of(s))
			.totals()[0]).isEqualTo(2.0);
	}

	@Test
	void recSolutionStaysText() {
		RewardSample s = JsonlSamples.fromLine("{\"image\": \"x.png\", \"conversations\": [{\"from\": \"human\", "
				+ "\"value\": \"box the lady\"}, {\"from\": \"gpt\", \"value\": \"[103.93, 299.99, 238.15, 477.41]\"}]}",
				List.of());
		assertThat(BoxParser.groundTruth(s.solution())).isEqualTo(new Box(103.93, 299.99, 238.15, 477.41));
		assertThat(s.accuRewardMethod()).isNull();
	}

	@Test
	void rejectsBadRows() {
		assertThatThrownBy(() -> JsonlSamples.fromLine("{", List.of())).hasMessageContaining("not a JSON line");
		assertThatThrownBy(() -> JsonlSamples.fromLine("[1]", List.of())).hasMessageContaining("JSON object");
		assertThatThrownBy(() -> JsonlSamples.fromLine("{\"conversations\": [{\"value\": \"q\"}]}", List.of()))
			.hasMessageContaining("conversations");
	}

}

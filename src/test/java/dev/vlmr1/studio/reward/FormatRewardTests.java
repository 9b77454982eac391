package dev.vlmr1.studio.reward;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class FormatRewardTests {

	private static final RewardSample ANY = RewardSample.of("q", "s");

	private static double format(String text) {
		return FormatReward.thinkAnswer().score(Completion.of(text), ANY);
	}

	private static double rec(String text) {
		return FormatReward.rec().score(Completion.of(text), ANY);
	}

	private static double ovd(String text) {
		return new OvdFormatReward().score(Completion.of(text), ANY);
	}

	@Test
	void formatNeedsTheWholeCompletion() {
		assertThat(format("<think>a\nb</think>\n <answer>c\nd</answer>")).isEqualTo(1.0);
		assertThat(format("<think>a</think><answer>c</answer> trailing")).isZero();
		assertThat(format("preamble <think>a</think><answer>c</answer>")).isZero();
		assertThat(format("<answer>c</answer>")).isZero();
		assertThat(format("")).isZero();
	}

	@Test
	void formatRecNeedsAJsonObjectWithFourIntegers() {
		assertThat(rec("<think>t</think> <answer>{\"bbox_2d\": [1, 2, 3, 4]}</answer>")).isEqualTo(1.0);
		// VLM-R1 searches, so text around the blocks is fine
		assertThat(rec("ok: <think>t</think><answer>```json\n{\"bbox\": [1,2,3,4]}\n```</answer> end")).isEqualTo(1.0);
		assertThat(rec("<think>t</think><answer>[1, 2, 3, 4]</answer>")).isZero();
		assertThat(rec("<think>t</think><answer>{\"bbox\": [1.5, 2, 3, 4]}</answer>")).isZero();
		assertThat(rec("<think>t</think><answer>{\"bbox\": [-1, 2, 3, 4]}</answer>")).isZero();
		assertThat(rec("<answer>{\"bbox\": [1, 2, 3, 4]}</answer>")).isZero();
	}

	@Test
	void formatOvdAcceptsNoneAndWellFormedLists() {
		assertThat(ovd("<think>t</think><answer>None</answer>")).isEqualTo(1.0);
		assertThat(ovd("<answer>```json\n[{\"bbox_2d\": [1, 2, 3, 4], \"label\": \"cat\"}]\n```</answer>"))
			.isEqualTo(1.0);
		assertThat(ovd("<answer>[{\"bbox_2d\": [1.5, 2, 3, 4], \"label\": \"cat\"}]</answer>")).isEqualTo(1.0);
		assertThat(ovd("<answer>[{\"bbox_2d\": [1, 2, 3], \"label\": \"cat\"}]</answer>")).isZero();
		assertThat(ovd("<answer>[{\"bbox_2d\": [1, 2, 3, 4], \"label\": 5}]</answer>")).isZero();
		assertThat(ovd("<answer>[{\"bbox_2d\": [1, 2, 3, 4], \"label\": \"cat\"}</answer>")).isZero();
		assertThat(ovd("<answer>nothing here</answer>")).isZero();
		assertThat(ovd("None")).isZero();
	}

	@Test
	void formatOvdExplainsWhatItRead() {
		RewardResult r = new OvdFormatReward()
			.evaluate(Completion.of("<answer>[{\"bbox_2d\": [1, 2], \"label\": \"cat\"}]</answer>"), ANY);
		assertThat(r.parse().note()).contains("entry 0");
	}

}

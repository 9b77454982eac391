package dev.vlmr1.studio.reward;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ParsingTests {

	@Test
	void firstAndLastAnswer() {
		String text = "<think>x</think><answer> A </answer> then <answer>B\nC</answer>";
		assertThat(Answers.first(text)).contains(" A ");
		assertThat(Answers.last(text)).contains("B\nC");
		assertThat(Answers.first("no tags")).isEmpty();
		assertThat(Answers.last("<answer>unclosed")).isEmpty();
		assertThat(Answers.lastOrWhole("just text")).isEqualTo("just text");
	}

	@Test
	void cleanJoinsLinesTrimsDropsOneDotAndLowercases() {
		assertThat(Answers.clean("  The\nBig Cat.\n")).isEqualTo("the big cat");
		assertThat(Answers.clean("a \nb")).isEqualTo("a b");
		// VLM-R1's rstrip('.'): every trailing dot
		assertThat(Answers.clean("end..")).isEqualTo("end");
		// Python's strip(): no-break and ideographic spaces too
		assertThat(Answers.clean("\u00a0end\u3000")).isEqualTo("end");
		assertThat(Answers.clean("")).isEmpty();
	}

	@Test
	void solutionMayBeWrappedInAnswerTags() {
		assertThat(Answers.solution("<answer> 3 </answer>")).isEqualTo("3");
		assertThat(Answers.solution(" 3 ")).isEqualTo("3");
	}

	@Test
	void firstIntBoxSkipsFloatsAndNegatives() {
		assertThat(BoxParser.firstIntBox("{\"bbox_2d\": [10, 20, 30, 40]}")).contains(new Box(10, 20, 30, 40));
		assertThat(BoxParser.firstIntBox("[10,20,  30,40]")).contains(new Box(10, 20, 30, 40));
		assertThat(BoxParser.firstIntBox("[10.5, 20, 30, 40]")).isEmpty();
		assertThat(BoxParser.firstIntBox("[-5, 20, 30, 40]")).isEmpty();
		assertThat(BoxParser.firstIntBox("[10, 20, 30]")).isEmpty();
		assertThat(BoxParser.firstIntBox("[1.5, 2, 3, 4] or [0, 0, 10, 10]")).contains(new Box(0, 0, 10, 10));
		assertThat(BoxParser.firstIntBox("[99999999999999999999, 0, 1, 1]")).isEmpty();
	}

	@Test
	void recPredictionReadsTheFirstAnswerOnly() {
		assertThat(BoxParser.recPrediction("<answer>[0,0,10,10]</answer><answer>[5,5,9,9]</answer>"))
			.contains(new Box(0, 0, 10, 10));
		assertThat(BoxParser.recPrediction("[0,0,10,10] without tags")).isEmpty();
	}

	@Test
	void groundTruthAllowsFloatsAndRejectsGarbage() {
		assertThat(BoxParser.groundTruth("[103.93, 299.99, 238.15, 477.41]"))
			.isEqualTo(new Box(103.93, 299.99, 238.15, 477.41));
		assertThat(BoxParser.groundTruth("<answer>[1, 2, 3, 4]</answer>")).isEqualTo(new Box(1, 2, 3, 4));
		assertThatThrownBy(() -> BoxParser.groundTruth("[1, 2, 3]")).hasMessageContaining("ground truth");
		assertThatThrownBy(() -> BoxParser.groundTruth("a box")).hasMessageContaining("ground truth");
		assertThatThrownBy(() -> BoxParser.groundTruth("[1, 2, \"x\", 4]")).hasMessageContaining("ground truth");
	}

	@Test
	void detectionsFencedUnfencedNoneAndMalformed() {
		DetectionList fenced = DetectionParser
			.parse("```json\n[{\"bbox_2d\": [1, 2, 3, 4], \"label\": \"cat\"}]\n```");
		assertThat(fenced.detections()).containsExactly(new Detection("cat", new Box(1, 2, 3, 4)));
		assertThat(fenced.wellFormed()).isTrue();
		assertThat(DetectionParser.parse("[{\"bbox_2d\": [1.5, 2, 3, 4], \"label\": \"dog\"}]").detections())
			.containsExactly(new Detection("dog", new Box(1.5, 2, 3, 4)));
		assertThat(DetectionParser.parse(" None ").none()).isTrue();
		DetectionList broken = DetectionParser.parse("[{\"bbox_2d\": [1, 2, 3, 4], \"label\": \"cat\"");
		assertThat(broken.wellFormed()).isFalse();
		assertThat(broken.problems().get(0)).startsWith("not JSON");
		DetectionList partly = DetectionParser
			.parse("[{\"bbox_2d\": [1, 2, 3, 4], \"label\": \"cat\"}, {\"bbox_2d\": [1, 2], \"label\": \"x\"}, 7]");
		assertThat(partly.items()).isEqualTo(3);
		assertThat(partly.detections()).hasSize(1);
		assertThat(partly.problems()).hasSize(2);
		assertThat(DetectionParser.parse("{\"bbox_2d\": [1, 2, 3, 4]}").problems().get(0))
			.startsWith("not a JSON list");
		assertThat(DetectionParser.parse("[]").isEmpty()).isTrue();
	}

	@Test
	void rescaleUsesGridTimesFourteen() {
		// original 1000×500, grid (1, 20, 40): the model saw 560×280
		SampleImage image = new SampleImage(1000, 500, 1, 20, 40);
		assertThat(image.toOriginal(new Box(56, 28, 280, 140))).isEqualTo(new Box(100, 50, 500, 250));
		assertThatThrownBy(() -> SampleImage.ofSize(1000, 500).toOriginal(new Box(0, 0, 1, 1)))
			.hasMessageContaining("rescale=false");
	}

}

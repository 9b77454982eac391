package dev.vlmr1.studio.demo.worker;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;

import dev.vlmr1.studio.reward.SampleImage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Reading completions (REC and OVD, rescaled to the original image), the prompts, and image headers. */
class CompletionReaderTests {

	/** 300×200 original seen as a 20×10 patch grid: a 280×140 input frame. */
	static final SampleImage IMAGE = new SampleImage(300, 200, 1, 10, 20);

	@Test
	void recTakesTheFirstIntegerBoxOfTheFirstAnswerAndRescalesIt() {
		CompletionReader.Reading r = CompletionReader.read(DemoTask.REC,
				"<think> the circle is left </think><answer>{\"bbox_2d\": [28, 14, 140, 70]}</answer>"
						+ "<answer>[0, 0, 1, 1]</answer>",
				IMAGE, true);
		assertThat(r.thinking()).isEqualTo("the circle is left");
		assertThat(r.answer()).isEqualTo("{\"bbox_2d\": [28, 14, 140, 70]}");
		assertThat(r.rawBox()).containsExactly(28, 14, 140, 70);
		assertThat(r.box()).containsExactly(new double[] { 30, 20, 150, 100 }, within(1e-9));
		assertThat(r.detections()).isEmpty();
		assertThat(CompletionReader.read(DemoTask.REC, "<answer>[28, 14, 140, 70]</answer>", IMAGE, false).box())
			.containsExactly(28, 14, 140, 70);
	}

	@Test
	void recWithoutABoxOrTagsHasNulls() {
		CompletionReader.Reading r = CompletionReader.read(DemoTask.REC, "<answer>[1.5, 2, 3, 4]</answer>", IMAGE, true);
		assertThat(r.thinking()).isNull();
		assertThat(r.answer()).isEqualTo("[1.5, 2, 3, 4]");
		assertThat(r.box()).isNull();
		assertThat(r.rawBox()).isNull();
		CompletionReader.Reading none = CompletionReader.read(DemoTask.REC, "just words", IMAGE, true);
		assertThat(none.answer()).isNull();
		assertThat(none.box()).isNull();
	}

	@Test
	void ovdReadsTheLastAnswerAsLabelledBoxes() {
		String completion = "<think>two</think><answer>```json\n[{\"bbox_2d\": [0, 0, 28, 14], \"label\": \"circle\"},"
				+ " {\"bbox_2d\": [140, 70, 280, 140], \"label\": \"square\"}, {\"label\": \"broken\"}]\n```</answer>";
		CompletionReader.Reading r = CompletionReader.read(DemoTask.OVD, completion, IMAGE, true);
		assertThat(r.detections()).hasSize(2);
		assertThat(r.detections().get(1).label()).isEqualTo("square");
		assertThat(r.detections().get(1).box()).containsExactly(new double[] { 150, 100, 300, 200 }, within(1e-9));
		assertThat(r.detections().get(1).rawBox()).containsExactly(140, 70, 280, 140);
		assertThat(r.problems()).singleElement().asString().contains("entry 2");

		// without rescaling the boxes stay as written (VLM-R1's OVD data was in original pixels)
		CompletionReader.Reading kept = CompletionReader.read(DemoTask.OVD, completion, IMAGE, false);
		assertThat(kept.detections().get(1).box()).containsExactly(140, 70, 280, 140);

		assertThat(CompletionReader.read(DemoTask.OVD, "<answer>None</answer>", IMAGE, true).detections()).isEmpty();
		assertThat(CompletionReader.read(DemoTask.OVD, "<answer>oops</answer>", IMAGE, true).problems()).isNotEmpty();
		assertThat(CompletionReader.read(DemoTask.OVD, "no answer", IMAGE, true).problems())
			.containsExactly("no <answer> block");
	}

	@Test
	void promptsAreVlmR1Templates() {
		assertThat(PromptTemplates.rec("the red circle")).isEqualTo(
				"Please provide the bounding box coordinate of the region this sentence describes: the red circle."
						+ " First output the thinking process in <think> </think> tags and then output the final answer"
						+ " in <answer> </answer> tags. Output the final answer in JSON format.");
		assertThat(PromptTemplates.ovd(List.of("cat", "dog")))
			.startsWith("Please carefully check the image and detect the following objects: [cat, dog]. ")
			.endsWith("simply respond with \"None\". First output the thinking process in <think> </think> tags and"
					+ " then output the final answer in <answer> </answer> tags.");
	}

	@Test
	void imageHeadersAreReadWithoutDecodingAndChecked() throws Exception {
		byte[] png = Files.readAllBytes(Path.of("src/test/resources/fixtures/images/h_150x95.png"));
		ImageHeader header = ImageHeader.read(png);
		assertThat(header).isEqualTo(new ImageHeader("png", 150, 95));
		assertThat(header.requireAtMost(150 * 95)).isSameAs(header);
		assertThatThrownBy(() -> header.requireAtMost(150 * 95 - 1)).hasMessageContaining("150x95");
		assertThatThrownBy(() -> ImageHeader.read("GIF? no".getBytes())).isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("not an image");
		ByteArrayOutputStream jpeg = new ByteArrayOutputStream();
		ImageIO.write(new BufferedImage(40, 30, BufferedImage.TYPE_INT_RGB), "jpeg", jpeg);
		assertThat(ImageHeader.read(jpeg.toByteArray())).isEqualTo(new ImageHeader("jpeg", 40, 30));
	}

}

package dev.vlmr1.studio.model;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vlmr1.studio.model.image.ImageProcessor;
import dev.vlmr1.studio.model.image.ProcessedImages;
import dev.vlmr1.studio.model.safetensors.SafetensorsReader;
import dev.vlmr1.studio.model.tokenizer.QwenTokenizer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ChatTemplateTests {

	static final Path FIXTURES = Path.of("src/test/resources/fixtures");

	static final Path TINY = FIXTURES.resolve("qwen2_5_vl_tiny");

	static final String REC_QUESTION = "Please provide the bounding box coordinate of the region this sentence describes: "
			+ "the small red square on the left. Output the thinking process in <think> </think> and final answer in "
			+ "<answer> </answer> tags.";

	static QwenTokenizer tokenizer;

	static ChatTemplate template;

	static JsonNode cases;

	static final ImageProcessor PROCESSOR = ImageProcessor.fromCheckpoint(TINY);

	@BeforeAll
	static void load() throws Exception {
		tokenizer = QwenTokenizer.load(TINY);
		template = new ChatTemplate(tokenizer);
		cases = new ObjectMapper().readTree(TINY.resolve("reference.json").toFile()).path("cases");
	}

	@AfterAll
	static void close() {
		tokenizer.close();
	}

	static ProcessedImages images(String... names) {
		var list = new ArrayList<java.awt.image.BufferedImage>();
		for (String name : names) {
			list.add(ImageProcessor.read(FIXTURES.resolve("images/" + name + ".png")));
		}
		return PROCESSOR.process(list);
	}

	static long[] fixtureIds(String file, String name) {
		try (var reader = SafetensorsReader.open(TINY.resolve(file))) {
			return reader.longs(name);
		}
	}

	@Test
	void singleCaseIsPromptPlusCompletion() {
		String prompt = ChatTemplate.render(List.of(ChatMessage.user(REC_QUESTION, 1)), true);
		String text = cases.path("single").path("text").asText();
		assertThat(text).startsWith(prompt);
		String completion = text.substring(prompt.length());
		assertThat(completion).isEqualTo("<think>The red box is at the left.</think><answer>[10, 20, 40, 50]</answer><|im_end|>");
		ProcessedImages image = images("a_84x56");
		long[] expected = fixtureIds("case_single.safetensors", "input_ids");
		assertThat(template.encode(prompt + completion, image.tokensPerImage())).containsExactly(expected);
		// prompt ids ++ completion ids: how rollouts are concatenated for the GRPO loss
		long[] joined = LongStream.concat(LongStream.of(template.userPrompt(REC_QUESTION, image)),
				LongStream.of(tokenizer.encode(completion))).toArray();
		assertThat(joined).containsExactly(expected);
	}

	@Test
	void multiCaseHasBothImagesBeforeTheText() {
		String text = cases.path("multi").path("text").asText();
		String question = "What number of objects are there in total within the two images?";
		String prompt = ChatTemplate.render(List.of(ChatMessage.user(question, 2)), true);
		assertThat(text).isEqualTo(prompt + "<answer>6</answer><|im_end|>");
		ProcessedImages both = images("a_84x56", "b_100x70");
		assertThat(both.tokensPerImage()).containsExactly(6, 8);
		assertThat(template.encode(text, both.tokensPerImage()))
			.containsExactly(fixtureIds("case_multi.safetensors", "input_ids"));
	}

	@Test
	void textCaseHasNoVisionTokens() {
		String prompt = ChatTemplate.render(List.of(ChatMessage.user("What is 12 + 30?")), true);
		String text = cases.path("text").path("text").asText();
		assertThat(text).isEqualTo(prompt + "<answer>42</answer><|im_end|>");
		assertThat(template.encode(text, new int[0])).containsExactly(fixtureIds("case_text.safetensors", "input_ids"));
	}

	@Test
	void generationPromptsAndLeftPaddedBatch() {
		long[] single = template.userPrompt(REC_QUESTION, images("a_84x56"));
		assertThat(single).containsExactly(fixtureIds("generate.safetensors", "single.input_ids"));
		long[] text = template.prompt(List.of(ChatMessage.user("What is 12 + 30?")), new int[0]);
		long pad = tokenizer.specialTokens().pad();
		ChatTemplate.LeftPadded batch = ChatTemplate.leftPad(List.of(single, text), pad);
		assertThat(batch.batch()).isEqualTo(2);
		assertThat(batch.length()).isEqualTo(80);
		assertThat(batch.inputIds()).containsExactly(fixtureIds("generate.safetensors", "batch.input_ids"));
		assertThat(batch.attentionMask()).containsExactly(fixtureIds("generate.safetensors", "batch.attention_mask"));
	}

	@Test
	void imageMarkersArePlacedWhereTheTextPutsThem() {
		String rendered = ChatTemplate.render(List.of(ChatMessage.user("Left: <image> right: <image>. Same?", 2)), true);
		assertThat(rendered).contains("user\nLeft: " + ChatTemplate.VISION_BLOCK + " right: " + ChatTemplate.VISION_BLOCK
				+ ". Same?<|im_end|>");
		// a marker at the very start gives the same prompt as no marker
		assertThat(ChatTemplate.render(List.of(ChatMessage.user("<image>" + REC_QUESTION, 1)), true))
			.isEqualTo(ChatTemplate.render(List.of(ChatMessage.user(REC_QUESTION, 1)), true));
		long[] ids = template.encode(rendered, new int[] { 2, 3 });
		long padId = tokenizer.specialTokens().imagePad();
		assertThat(LongStream.of(ids).filter((id) -> id == padId).count()).isEqualTo(5);
	}

	@Test
	void explicitSystemTurnAndMultiTurnConversation() {
		String rendered = ChatTemplate.render(List.of(ChatMessage.system("Be brief."), ChatMessage.user("Hi"),
				ChatMessage.assistant("Hello."), ChatMessage.user("Count.", 1)), false);
		assertThat(rendered).isEqualTo("<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n"
				+ "<|im_start|>assistant\nHello.<|im_end|>\n<|im_start|>user\n" + ChatTemplate.VISION_BLOCK
				+ "Count.<|im_end|>\n");
	}

	@Test
	void mismatchedMarkersOrImagesAreClearErrors() {
		assertThatThrownBy(() -> ChatTemplate.render(List.of(ChatMessage.user("<image> and <image>", 1)), true))
			.isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("2 <image> marker(s) but 1 image(s)");
		assertThatThrownBy(() -> ChatTemplate.render(List.of(ChatMessage.user("<image> here")), true))
			.isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("1 <image> marker(s) but 0 image(s)");
		String oneImage = ChatTemplate.render(List.of(ChatMessage.user("What?", 1)), true);
		assertThatThrownBy(() -> template.encode(oneImage, new int[] { 6, 8 })).isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("1 <|image_pad|> token(s) but 2 image(s)");
		assertThatThrownBy(() -> template.prompt(List.of(ChatMessage.user("What?")), new int[] { 6 }))
			.isInstanceOf(IllegalArgumentException.class);
		assertThatThrownBy(() -> ChatMessage.user("x", -1)).isInstanceOf(IllegalArgumentException.class);
	}

	@ParameterizedTest
	@ValueSource(strings = { "qwen2_5_vl_tiny", "qwen2_vl_tiny" })
	void everyCaseOfBothModelsFromReferenceTextAndImages(String model) throws Exception {
		Path dir = FIXTURES.resolve(model);
		ImageProcessor processor = ImageProcessor.fromCheckpoint(dir);
		JsonNode modelCases = new ObjectMapper().readTree(dir.resolve("reference.json").toFile()).path("cases");
		for (String name : List.of("single", "multi", "text")) {
			JsonNode c = modelCases.path(name);
			var list = new ArrayList<java.awt.image.BufferedImage>();
			c.path("images").forEach((n) -> list.add(ImageProcessor.read(FIXTURES.resolve("images/" + n.asText() + ".png"))));
			ProcessedImages processed = processor.process(list);
			try (var reader = SafetensorsReader.open(dir.resolve("case_" + name + ".safetensors"))) {
				assertThat(template.encode(c.path("text").asText(), processed.tokensPerImage())).as(model + " " + name)
					.containsExactly(reader.longs("input_ids"));
				if (!list.isEmpty()) {
					assertThat(processed.gridThw()).isDeepEqualTo(toGrid(reader.longs("image_grid_thw")));
					float[] expected = reader.floats("pixel_values");
					assertThat(processed.pixelValues()).hasSameSizeAs(expected);
					for (int i = 0; i < expected.length; i++) {
						// a_84x56 is not resized (1e-6); b_100x70 is (one 8-bit level)
						assertThat((double) Math.abs(processed.pixelValues()[i] - expected[i])).isLessThanOrEqualTo(0.016);
					}
				}
			}
		}
	}

	static long[][] toGrid(long[] flat) {
		long[][] grid = new long[flat.length / 3][];
		for (int i = 0; i < grid.length; i++) {
			grid[i] = new long[] { flat[3 * i], flat[3 * i + 1], flat[3 * i + 2] };
		}
		return grid;
	}

	@Test
	void tokensPerImageFromGrids() {
		assertThat(ChatTemplate.tokensPerImage(new long[][] { { 1, 4, 6 }, { 1, 4, 8 } }, 2)).containsExactly(6, 8);
		assertThatThrownBy(() -> ChatTemplate.tokensPerImage(new long[][] { { 1, 3, 3 } }, 2))
			.isInstanceOf(IllegalArgumentException.class);
	}

}

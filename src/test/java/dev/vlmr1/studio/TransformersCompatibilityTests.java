package dev.vlmr1.studio;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.vlmr1.studio.model.ChatMessage;
import dev.vlmr1.studio.model.ChatTemplate;
import dev.vlmr1.studio.model.CheckpointFiles;
import dev.vlmr1.studio.model.Generation;
import dev.vlmr1.studio.model.Generator;
import dev.vlmr1.studio.model.ModelInputs;
import dev.vlmr1.studio.model.QwenVlModel;
import dev.vlmr1.studio.model.SamplingParams;
import dev.vlmr1.studio.model.image.ImageProcessor;
import dev.vlmr1.studio.model.image.ProcessedImages;
import dev.vlmr1.studio.model.tokenizer.QwenTokenizer;
import dev.vlmr1.studio.synth.TinyModelCreator;
import dev.vlmr1.studio.synth.TinyQwenVl;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A checkpoint the platform creates generates the same text in Hugging Face transformers 4.57 and 5.18 as in the
 * platform. The references were made by {@code scripts/transformers_compat/generate_reference.py} on this very
 * checkpoint (created with seed 7, which reproduces it byte for byte): each version loaded it with
 * {@code from_pretrained}, applied the chat template the platform wrote, and decoded greedily.
 */
class TransformersCompatibilityTests {

	static final Path FIXTURES = Path.of("src/test/resources/fixtures");

	static final ObjectMapper JSON = new ObjectMapper();

	@TempDir
	static Path root;

	static Path dir;

	@BeforeAll
	static void createTheCheckpointTheReferencesWereMadeFrom() {
		dir = root.resolve("tiny");
		TinyModelCreator.create(dir, 7, List.of(), 1024, TinyQwenVl.DEFAULT);
	}

	@ParameterizedTest
	@ValueSource(strings = { "4.57.6", "5.18.0" })
	void greedyGenerationEqualsTransformers(String version) throws Exception {
		JsonNode reference = reference(version);
		assertThat(reference.path("transformers").asText()).isEqualTo(version);
		try (QwenVlModel model = QwenVlModel.load(dir);
				QwenTokenizer tokenizer = QwenTokenizer.load(dir);
				NDManager manager = model.manager().newSubManager()) {
			ProcessedImages image = ImageProcessor.fromCheckpoint(dir)
				.process(List.of(ImageProcessor.read(FIXTURES.resolve("images/a_84x56.png"))));
			String question = reference.path("question").asText();
			assertThat(ChatTemplate.render(List.of(ChatMessage.user(question, 1)), true))
				.isEqualTo(reference.path("chat_template_prompt").asText())
				.isEqualTo(reference.path("tokenizer_chat_template_prompt").asText());
			long[] prompt = new ChatTemplate(tokenizer).userPrompt(question, image);
			assertThat(prompt).containsExactly(longs(reference.path("input_ids")));
			assertThat(image.gridThw()[0]).containsExactly(longs(reference.path("image_grid_thw").get(0)));
			ModelInputs inputs = ModelInputs.of(manager.create(prompt, new Shape(1, prompt.length)))
				.withImages(manager.create(image.pixelValues(), new Shape(image.shape())), image.gridThw());
			Generation answer = new Generator(model, (ids) -> tokenizer.decode(ids, false)).generate(inputs,
					SamplingParams.greedy(reference.path("max_new_tokens").asInt(), model.config()));
			assertThat(answer.tokenIds().get(0)).containsExactly(longs(reference.path("generated_ids")));
			assertThat(answer.texts().get(0)).isEqualTo(reference.path("generated_text").asText());
		}
	}

	@Test
	void theCheckpointCarriesQwensChatTemplateWhereProcessorsAndTokenizersLook() throws Exception {
		JsonNode processor = JSON.readTree(dir.resolve("chat_template.json").toFile());
		JsonNode tokenizer = JSON.readTree(dir.resolve("tokenizer_config.json").toFile());
		assertThat(processor.path("chat_template").asText()).isEqualTo(CheckpointFiles.QWEN_CHAT_TEMPLATE)
			.contains("<|vision_start|><|image_pad|><|vision_end|>", "You are a helpful assistant.");
		assertThat(tokenizer.path("chat_template").asText()).isEqualTo(CheckpointFiles.QWEN_CHAT_TEMPLATE);
	}

	@Test
	void theConfigIsFlatWithTheKeysOfTransformers4AndOf5() throws Exception {
		JsonNode config = JSON.readTree(dir.resolve("config.json").toFile());
		// 4.49 reads the flat layout only, and a nested text_config would break its generation config
		assertThat(config.has("text_config")).isFalse();
		assertThat(config.path("hidden_size").asInt()).isEqualTo(128);
		assertThat(config.path("model_type").asText()).isEqualTo("qwen2_5_vl");
		assertThat(config.path("rope_scaling").path("type").asText()).isEqualTo("mrope");
		assertThat(sections(config.path("rope_scaling"))).containsExactly(4, 6, 6);
		assertThat(config.path("rope_theta").asDouble()).isEqualTo(1e6);
		assertThat(config.path("torch_dtype").asText()).isEqualTo("float32");
		// 5.x
		assertThat(sections(config.path("rope_parameters"))).containsExactly(4, 6, 6);
		assertThat(config.path("rope_parameters").path("rope_theta").asDouble()).isEqualTo(1e6);
		assertThat(config.path("dtype").asText()).isEqualTo("float32");
	}

	@Test
	void aCheckpointSavedFromItByTheTrainerIsCompleteToo(@TempDir Path copy) throws Exception {
		try (QwenVlModel model = QwenVlModel.load(dir); QwenTokenizer tokenizer = QwenTokenizer.load(dir)) {
			CheckpointFiles.save(dir, copy, model.parameters().all(), tokenizer.specialTokens(),
					dev.vlmr1.studio.model.safetensors.DType.F32, CheckpointFiles.DEFAULT_MAX_SHARD_BYTES);
		}
		for (String file : List.of("config.json", "chat_template.json", "tokenizer_config.json")) {
			assertThat(JSON.readTree(copy.resolve(file).toFile())).as(file)
				.isEqualTo(JSON.readTree(dir.resolve(file).toFile()));
		}
	}

	static JsonNode reference(String version) throws Exception {
		return JSON.readTree(
				Files.readString(FIXTURES.resolve("transformers_compat/reference_transformers_" + version + ".json")));
	}

	static long[] longs(JsonNode array) {
		List<Long> values = new ArrayList<>();
		array.forEach((n) -> values.add(n.asLong()));
		return values.stream().mapToLong(Long::longValue).toArray();
	}

	static int[] sections(JsonNode rope) {
		List<Integer> values = new ArrayList<>();
		rope.path("mrope_section").forEach((n) -> values.add(n.asInt()));
		return values.stream().mapToInt(Integer::intValue).toArray();
	}

}

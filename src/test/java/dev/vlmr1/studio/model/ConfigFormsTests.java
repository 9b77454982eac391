package dev.vlmr1.studio.model;

import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.vlmr1.studio.model.image.ImageProcessor;
import dev.vlmr1.studio.model.image.PreprocessorConfig;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A config in the keys of transformers 4.x only, or of 5.x only, reads as the same model, and completing it writes
 * the other generation's keys with the same values. The {@code saved_by} files were written by transformers 4.57.6
 * and 5.18.0 themselves from a platform checkpoint.
 */
class ConfigFormsTests {

	static final Path FIXTURES = Path.of("src/test/resources/fixtures");

	static final ObjectMapper JSON = new ObjectMapper();

	@Test
	void aVersion5OnlyConfigGainsTheVersion4KeysWithTheSameValues() throws Exception {
		JsonNode v5 = read("transformers_compat/config.saved_by_transformers_5.18.0.json");
		assertThat(v5.path("text_config").has("rope_scaling")).isFalse();
		ObjectNode both = ConfigForms.bothForms(v5);
		assertThat(both.path("rope_scaling").path("type").asText()).isEqualTo("mrope");
		assertThat(both.path("rope_scaling").path("mrope_section").toString()).isEqualTo("[4,6,6]");
		assertThat(both.has("text_config")).as("flat, the only layout transformers 4.49 reads").isFalse();
		assertThat(both.path("model_type").asText()).isEqualTo("qwen2_5_vl");
		assertThat(both.path("rope_parameters").path("mrope_section").toString()).isEqualTo("[4,6,6]");
		assertThat(both.path("rope_theta").asDouble()).isEqualTo(1e6);
		assertThat(both.path("hidden_size").asInt()).isEqualTo(128);
		assertThat(both.path("eos_token_id").asInt()).isEqualTo(595);
		assertThat(both.path("torch_dtype").asText()).isEqualTo("float32");
		assertSameModel(QwenVlConfig.fromJson(both), QwenVlConfig.fromJson(v5));
	}

	@Test
	void aVersion4OnlyConfigGainsTheVersion5KeysWithTheSameValues() throws Exception {
		JsonNode flat = read("qwen2_5_vl_tiny/config.legacy_flat.json");
		ObjectNode both = ConfigForms.bothForms(flat);
		assertThat(both.path("rope_parameters").path("mrope_section").toString()).isEqualTo("[2,3,3]");
		assertThat(both.path("rope_parameters").path("rope_theta").asDouble()).isEqualTo(1e6);
		assertThat(both.path("rope_scaling").path("type").asText()).as("kept as given").isEqualTo("mrope");
		assertThat(both.path("dtype").asText()).isEqualTo("bfloat16");
		assertSameModel(QwenVlConfig.fromJson(both), QwenVlConfig.fromJson(flat));
	}

	@Test
	void configsSavedByTransformers4And5ReadAsTheSameModel() throws Exception {
		var v4 = QwenVlConfig.fromJson(read("transformers_compat/config.saved_by_transformers_4.57.6.json"));
		var v5 = QwenVlConfig.fromJson(read("transformers_compat/config.saved_by_transformers_5.18.0.json"));
		assertSameModel(v4, v5);
		assertThat(v5.eosTokenIds()).containsExactly(595L);
		assertThat(v5.padTokenId()).isEqualTo(593);
	}

	@Test
	void eachFormAloneReadsAsTheCompletedConfig() throws Exception {
		JsonNode v5Only = read("transformers_compat/config.saved_by_transformers_5.18.0.json");
		ObjectNode both = ConfigForms.bothForms(v5Only);
		ObjectNode v4Only = both.deepCopy();
		v4Only.remove(java.util.List.of("rope_parameters", "dtype"));
		assertSameModel(QwenVlConfig.fromJson(v4Only), QwenVlConfig.fromJson(both));
		assertSameModel(QwenVlConfig.fromJson(v5Only), QwenVlConfig.fromJson(both));
	}

	@Test
	void completingTwiceChangesNothing() throws Exception {
		ObjectNode once = ConfigForms.bothForms(read("qwen2_5_vl_tiny/config.json"));
		assertThat(ConfigForms.bothForms(once)).isEqualTo(once);
	}

	@Test
	void aConfigWithoutMropeSectionsIsAClearError() throws Exception {
		ObjectNode config = (ObjectNode) read("qwen2_5_vl_tiny/config.json");
		((ObjectNode) config.get("text_config")).remove("rope_parameters");
		assertThatThrownBy(() -> ConfigForms.bothForms(config)).isInstanceOf(CheckpointException.class)
			.hasMessageContaining("mrope_section");
	}

	@Test
	void theImageProcessorIsReadFromTransformers5sProcessorConfig(@TempDir Path dir) throws Exception {
		Files.copy(FIXTURES.resolve("transformers_compat/processor_config.saved_by_transformers_5.18.0.json"),
				dir.resolve("processor_config.json"));
		assertThat(PreprocessorConfig.file(dir)).contains(dir.resolve("processor_config.json"));
		PreprocessorConfig config = ImageProcessor.fromCheckpoint(dir).config();
		assertThat(config.minPixels()).isEqualTo(3136);
		assertThat(config.maxPixels()).isEqualTo(12544);
		assertThat(config.imageMean()).containsExactly(0.48145466f, 0.4578275f, 0.40821073f);
		Files.writeString(dir.resolve("preprocessor_config.json"), "{\"max_pixels\": 6272}");
		assertThat(ImageProcessor.fromCheckpoint(dir).config().maxPixels()).as("preprocessor_config.json first")
			.isEqualTo(6272);
	}

	@Test
	void copiedSupportFilesAreCompletedAndProcessorConfigTravels(@TempDir Path base, @TempDir Path copy)
			throws Exception {
		Files.copy(FIXTURES.resolve("qwen2_5_vl_tiny/config.legacy_flat.json"), base.resolve("config.json"));
		Files.copy(FIXTURES.resolve("qwen2_5_vl_tiny/tokenizer_config.json"), base.resolve("tokenizer_config.json"));
		Files.copy(FIXTURES.resolve("transformers_compat/processor_config.saved_by_transformers_5.18.0.json"),
				base.resolve("processor_config.json"));
		Files.writeString(base.resolve("chat_template.jinja"), "{{ messages[0]['content'] }}");
		try (var tokenizer = dev.vlmr1.studio.model.tokenizer.QwenTokenizer.load(FIXTURES.resolve("qwen2_5_vl_tiny"))) {
			CheckpointFiles.copySupportFiles(base, copy, tokenizer.specialTokens());
		}
		assertThat(copy.resolve("processor_config.json")).hasSameTextualContentAs(base.resolve("processor_config.json"));
		assertThat(read(copy.resolve("config.json")).path("rope_parameters").path("mrope_section").toString())
			.isEqualTo("[2,3,3]");
		assertThat(copy.resolve("chat_template.json")).as("the base's own template is kept").doesNotExist();
		assertThat(read(copy.resolve("tokenizer_config.json")).path("chat_template").asText())
			.isEqualTo("{{ messages[0]['content'] }}");
	}

	static void assertSameModel(QwenVlConfig actual, QwenVlConfig expected) {
		assertThat(actual.modelType()).isEqualTo(expected.modelType());
		assertThat(actual.vision()).isEqualTo(expected.vision());
		TextConfig a = actual.text();
		TextConfig e = expected.text();
		assertThat(a.mropeSection()).containsExactly(e.mropeSection());
		assertThat(new Object[] { a.vocabSize(), a.hiddenSize(), a.intermediateSize(), a.numLayers(), a.numHeads(),
				a.numKeyValueHeads(), a.rmsNormEps(), a.ropeTheta(), a.tieWordEmbeddings(), a.maxPositionEmbeddings() })
			.containsExactly(e.vocabSize(), e.hiddenSize(), e.intermediateSize(), e.numLayers(), e.numHeads(),
					e.numKeyValueHeads(), e.rmsNormEps(), e.ropeTheta(), e.tieWordEmbeddings(),
					e.maxPositionEmbeddings());
		assertThat(actual.eosTokenIds()).isEqualTo(expected.eosTokenIds());
		assertThat(actual.imageTokenId()).isEqualTo(expected.imageTokenId());
	}

	static JsonNode read(String fixture) throws Exception {
		return read(FIXTURES.resolve(fixture));
	}

	static JsonNode read(Path file) throws Exception {
		return JSON.readTree(file.toFile());
	}

}

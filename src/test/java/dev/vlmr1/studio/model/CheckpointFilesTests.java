package dev.vlmr1.studio.model;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vlmr1.studio.model.safetensors.DType;
import dev.vlmr1.studio.model.safetensors.SafetensorsReader;
import dev.vlmr1.studio.model.safetensors.SafetensorsWriter;
import dev.vlmr1.studio.model.tokenizer.SpecialTokens;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CheckpointFilesTests {

	static final Path TINY = Path.of("src/test/resources/fixtures/qwen2_5_vl_tiny");

	static final SpecialTokens SPECIAL = new SpecialTokens(553, 554, 555, 562, 563, 565, 566);

	@TempDir
	Path out;

	NDManager manager;

	@BeforeEach
	void open() {
		manager = NDManager.newBaseManager();
	}

	@AfterEach
	void close() {
		manager.close();
	}

	static List<String> savedWeightNames() throws Exception {
		var names = new ArrayList<String>();
		new ObjectMapper().readTree(TINY.resolve("saved_weight_names.json").toFile()).forEach((n) -> names.add(n.asText()));
		return names;
	}

	/** The live model's parameters as transformers names them (model.visual.*, model.language_model.*), tied head. */
	Map<String, NDArray> liveParameters() {
		Map<String, NDArray> parameters = new LinkedHashMap<>();
		try (var reader = SafetensorsReader.open(TINY.resolve("model.new_names.safetensors"))) {
			for (String name : reader.names()) {
				parameters.put(name, manager.create(reader.floats(name), new Shape(reader.info(name).shape())));
			}
		}
		parameters.put("lm_head.weight", parameters.get("model.language_model.embed_tokens.weight"));
		return parameters;
	}

	@Test
	void savedNamesAreTheOnesTransformersWrites() throws Exception {
		List<String> expected = savedWeightNames();
		assertThat(CheckpointFiles.savedNames(liveParameters().keySet(), true)).containsExactlyElementsOf(expected);
		try (var gradients = SafetensorsReader.open(TINY.resolve("sft_step/grads.safetensors"))) {
			assertThat(CheckpointFiles.savedNames(gradients.names(), true)).containsExactlyElementsOf(expected);
		}
		assertThat(CheckpointFiles.savedNames(liveParameters().keySet(), false)).contains("lm_head.weight")
			.hasSize(expected.size() + 1);
	}

	@Test
	void singleFileSaveIsByteIdenticalToTheReleasedLayout() throws Exception {
		List<Path> files = CheckpointFiles.saveWeights(out, liveParameters(), true, DType.F32,
				CheckpointFiles.DEFAULT_MAX_SHARD_BYTES);
		assertThat(files).containsExactly(out.resolve("model.safetensors"));
		assertThat(Files.readAllBytes(files.get(0))).isEqualTo(Files.readAllBytes(TINY.resolve("model.safetensors")));
	}

	@Test
	void shardedSaveLoadsBackExactlyThroughWeights() throws Exception {
		List<Path> files = CheckpointFiles.saveWeights(out, liveParameters(), true, DType.F32, 200_000);
		assertThat(files).hasSizeGreaterThan(2).last().isEqualTo(out.resolve(SafetensorsWriter.INDEX_FILE));
		try (var saved = Weights.open(out); var original = SafetensorsReader.open(TINY.resolve("model.safetensors"))) {
			assertThat(saved.names()).containsExactlyElementsOf(savedWeightNames());
			for (String name : original.names()) {
				assertThat(saved.floats(name, original.info(name).shape())).as(name).containsExactly(original.floats(name));
			}
			assertThat(saved.unconsumed()).isEmpty();
		}
		// a later single-file save must not leave the old shards and index behind
		CheckpointFiles.saveWeights(out, liveParameters(), true, DType.F32, CheckpointFiles.DEFAULT_MAX_SHARD_BYTES);
		try (var listing = Files.list(out)) {
			assertThat(listing.map((p) -> p.getFileName().toString())).containsExactly("model.safetensors");
		}
	}

	@Test
	void bf16SaveRoundsLikePytorch() {
		Map<String, NDArray> parameters = liveParameters();
		// half the parameters in FP16 on the device, as frozen weights are kept: they are widened before writing
		parameters.replaceAll((name, array) -> name.contains("visual") ? array.toType(DataType.FLOAT16, false) : array);
		CheckpointFiles.saveWeights(out, parameters, true, DType.BF16, CheckpointFiles.DEFAULT_MAX_SHARD_BYTES);
		try (var ours = SafetensorsReader.open(out.resolve("model.safetensors"));
				var torch = SafetensorsReader.open(TINY.resolve("model.bf16.safetensors"))) {
			assertThat(ours.names()).containsExactlyElementsOf(torch.names());
			for (String name : torch.names()) {
				assertThat(ours.info(name).dtype()).isEqualTo(DType.BF16);
				if (!name.contains("visual")) {
					assertThat(ours.floats(name)).as(name).containsExactly(torch.floats(name));
				}
			}
		}
	}

	@Test
	void copiesSupportFilesAndWritesAMissingGenerationConfig(@TempDir Path base) throws Exception {
		CheckpointFiles.copySupportFiles(TINY, out, SPECIAL);
		for (String name : List.of("generation_config.json", "preprocessor_config.json", "tokenizer.json")) {
			assertThat(Files.readAllBytes(out.resolve(name))).as(name).isEqualTo(Files.readAllBytes(TINY.resolve(name)));
		}
		// completed for transformers 4 and 5: both config forms, and Qwen's chat template where there was none
		var json = new ObjectMapper();
		assertThat(json.readTree(out.resolve("config.json").toFile()))
			.isEqualTo(ConfigForms.bothForms(json.readTree(TINY.resolve("config.json").toFile())));
		var tokenizerConfig = (com.fasterxml.jackson.databind.node.ObjectNode) json
			.readTree(TINY.resolve("tokenizer_config.json").toFile());
		assertThat(json.readTree(out.resolve("tokenizer_config.json").toFile()))
			.isEqualTo(tokenizerConfig.put("chat_template", CheckpointFiles.QWEN_CHAT_TEMPLATE));
		assertThat(json.readTree(out.resolve("chat_template.json").toFile()).path("chat_template").asText())
			.isEqualTo(CheckpointFiles.QWEN_CHAT_TEMPLATE);
		Files.copy(TINY.resolve("config.json"), base.resolve("config.json"));
		Path target = out.resolve("second");
		CheckpointFiles.copySupportFiles(base, target, SPECIAL);
		var generation = new ObjectMapper().readTree(target.resolve("generation_config.json").toFile());
		assertThat(generation.path("eos_token_id").asLong()).isEqualTo(555);
		assertThat(generation.path("pad_token_id").asLong()).isEqualTo(553);
		assertThatThrownBy(() -> CheckpointFiles.copySupportFiles(out.resolve("nowhere"), target, SPECIAL))
			.isInstanceOf(CheckpointException.class)
			.hasMessageContaining("no config.json");
	}

	@Test
	void tiedEmbeddingsFromEitherConfigLayout(@TempDir Path dir) throws Exception {
		assertThat(CheckpointFiles.tiedEmbeddings(TINY.resolve("config.json"))).isTrue();
		assertThat(CheckpointFiles.tiedEmbeddings(TINY.resolve("config.legacy_flat.json"))).isTrue();
		Path nested = dir.resolve("nested.json");
		Files.writeString(nested, "{\"text_config\": {\"tie_word_embeddings\": true}}");
		assertThat(CheckpointFiles.tiedEmbeddings(nested)).isTrue();
		Path untied = dir.resolve("untied.json");
		Files.writeString(untied, "{\"model_type\": \"qwen2_5_vl\"}");
		assertThat(CheckpointFiles.tiedEmbeddings(untied)).isFalse();
	}

	@Test
	void foreignOrCollidingNamesAreRejected() {
		assertThatThrownBy(() -> CheckpointFiles.releasedName("base_model.model.lora_A.weight"))
			.isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("lora_A");
		assertThatThrownBy(() -> CheckpointFiles.savedNames(List.of("model.norm.weight", "model.language_model.norm.weight"),
				true))
			.hasMessageContaining("both save as model.norm.weight");
	}

}

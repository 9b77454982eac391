package dev.vlmr1.studio.synth;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.vlmr1.studio.model.ChatTemplate;
import dev.vlmr1.studio.model.CheckpointFiles;
import dev.vlmr1.studio.model.Generation;
import dev.vlmr1.studio.model.Generator;
import dev.vlmr1.studio.model.ModelInputs;
import dev.vlmr1.studio.model.QwenVlConfig;
import dev.vlmr1.studio.model.QwenVlModel;
import dev.vlmr1.studio.model.RandomInit;
import dev.vlmr1.studio.model.SamplingParams;
import dev.vlmr1.studio.model.Weights;
import dev.vlmr1.studio.model.image.ImageProcessor;
import dev.vlmr1.studio.model.image.ProcessedImages;
import dev.vlmr1.studio.model.safetensors.DType;
import dev.vlmr1.studio.model.tokenizer.QwenTokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A created tiny model is a complete checkpoint: its config, tokenizer and weights load with the same code as a
 * released Qwen2.5-VL, it answers a synthetic image prompt, and saving it again reloads to identical parameters.
 */
class TinyModelCreatorTests {

	@TempDir
	static Path root;

	static Path dir;

	static TinyModelCreator.Created created;

	@BeforeAll
	static void create() {
		dir = root.resolve("tiny");
		created = TinyModelCreator.create(dir, 7, List.of(), 1024, TinyQwenVl.DEFAULT);
	}

	@Test
	void configAndTokenizerAgreeOnEveryIdAndSize() {
		QwenVlConfig config = QwenVlConfig.load(dir);
		try (QwenTokenizer tokenizer = QwenTokenizer.load(dir)) {
			var special = tokenizer.specialTokens();
			assertThat(config.imageTokenId()).isEqualTo(special.imagePad());
			assertThat(config.videoTokenId()).isEqualTo(special.videoPad());
			assertThat(config.visionStartTokenId()).isEqualTo(special.visionStart());
			assertThat(config.visionEndTokenId()).isEqualTo(special.visionEnd());
			assertThat(config.eosTokenIds()).containsExactly(special.imEnd());
			assertThat(config.padTokenId()).isEqualTo(special.pad());
			assertThat(special.videoPad()).isEqualTo(created.vocabSize() - 1);
		}
		assertThat(config.text().vocabSize()).isEqualTo(created.vocabSize());
		assertThat(config.text().headDim()).isEqualTo(32);
		assertThat(config.text().mropeSection()).containsExactly(4, 6, 6);
		assertThat(config.vision().isFullAttention(config.vision().depth() - 1)).isTrue();
		assertThat(config.vision().isFullAttention(0)).isFalse();
		assertThat(created.parameterCount()).isBetween(500_000L, 5_000_000L);
		assertThat(dir.resolve("preprocessor_config.json")).exists();
		assertThat(dir.resolve("generation_config.json")).exists();
		assertThat(TinyQwenVl.DEFAULT.initializerRange()).isEqualTo(0.088); // 1/√128
	}

	@Test
	void everyTensorIsStoredWithTheShapeTheModelExpectsAndTheInitialiserValues() {
		QwenVlConfig config = QwenVlConfig.load(dir);
		try (Weights weights = Weights.open(dir);
				QwenVlModel reference = QwenVlModel.load(config,
						new RandomInit(7, TinyQwenVl.DEFAULT.initializerRange()), Device.cpu())) {
			Map<String, NDArray> expected = reference.parameters().all();
			assertThat(weights.names()).containsExactlyInAnyOrderElementsOf(expected.keySet());
			for (var entry : expected.entrySet()) {
				long[] shape = entry.getValue().getShape().getShape();
				assertThat(weights.shape(entry.getKey())).as(entry.getKey()).containsExactly(shape);
				assertThat(weights.floats(entry.getKey(), shape)).as(entry.getKey())
					.isEqualTo(entry.getValue().toFloatArray());
			}
		}
	}

	@Test
	void answersASyntheticImagePromptAndGreedyTokensDecodeToText() {
		SynthSample sample = new SyntheticDataset(3, 112, 112)
			.generate(SynthTask.REC, SyntheticDataset.Split.IN_DOMAIN, 1, "t")
			.get(0);
		try (QwenVlModel model = QwenVlModel.load(dir);
				QwenTokenizer tokenizer = QwenTokenizer.load(dir);
				NDManager manager = model.manager().newSubManager()) {
			ProcessedImages image = ImageProcessor.fromCheckpoint(dir).process(List.of(sample.image()));
			assertThat(image.gridThw()[0]).containsExactly(1, 8, 8);
			long[] prompt = new ChatTemplate(tokenizer).userPrompt(sample.question(), image);
			ModelInputs inputs = ModelInputs.of(manager.create(prompt, new Shape(1, prompt.length)))
				.withImages(manager.create(image.pixelValues(), new Shape(image.shape())), image.gridThw());
			NDArray logits = model.forward(inputs).logits();
			assertThat(logits.getShape()).isEqualTo(new Shape(1, prompt.length, created.vocabSize()));
			assertThat(logits.isInfinite().any().getBoolean() || logits.isNaN().any().getBoolean()).isFalse();
			Generation answer = new Generator(model, (ids) -> tokenizer.decode(ids, false)).generate(inputs,
					SamplingParams.greedy(12, model.config()));
			long[] tokens = answer.tokenIds().get(0);
			assertThat(tokens).isNotEmpty();
			assertThat(java.util.Arrays.stream(tokens)).allMatch((id) -> id >= 0 && id < created.vocabSize());
			assertThat(answer.texts().get(0)).isNotEmpty().isEqualTo(tokenizer.decode(tokens, false));
		}
	}

	@Test
	void savedAgainItReloadsToIdenticalParameters(@TempDir Path copy) throws Exception {
		try (QwenVlModel model = QwenVlModel.load(dir)) {
			var special = QwenTokenizer.load(dir);
			CheckpointFiles.save(dir, copy, model.parameters().all(), special.specialTokens(), DType.F32,
					CheckpointFiles.DEFAULT_MAX_SHARD_BYTES);
			special.close();
			try (QwenVlModel reloaded = QwenVlModel.load(copy)) {
				Map<String, NDArray> before = model.parameters().all();
				Map<String, NDArray> after = reloaded.parameters().all();
				assertThat(after.keySet()).isEqualTo(before.keySet());
				before.forEach((name, array) -> assertThat(after.get(name).toFloatArray()).as(name)
					.isEqualTo(array.toFloatArray()));
			}
		}
		assertThat(copy.resolve("tokenizer.json")).hasSameTextualContentAs(dir.resolve("tokenizer.json"));
	}

	@Test
	void sameSeedCreatesTheSameCheckpointAndAnotherSeedOtherWeights() throws Exception {
		Path again = root.resolve("again");
		TinyModelCreator.create(again, 7, List.of(), 1024, TinyQwenVl.DEFAULT);
		for (String file : List.of("tokenizer.json", "tokenizer_config.json", "config.json", "model.safetensors")) {
			assertThat(again.resolve(file)).as(file).hasSameBinaryContentAs(dir.resolve(file));
		}
		float[] a = new RandomInit(7).floats("model.layers.0.mlp.up_proj.weight", 4, 4);
		float[] b = new RandomInit(8).floats("model.layers.0.mlp.up_proj.weight", 4, 4);
		assertThat(a).isNotEqualTo(b);
	}

	@Test
	void refusesANonEmptyDirectoryAFileAndAMissingCorpus(@TempDir Path tmp) throws Exception {
		assertThatThrownBy(() -> TinyModelCreator.create(dir, 1, List.of(), 1024, TinyQwenVl.DEFAULT))
			.isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("not empty");
		Path file = Files.writeString(tmp.resolve("file"), "x");
		assertThatThrownBy(() -> TinyModelCreator.create(file, 1, List.of(), 1024, TinyQwenVl.DEFAULT))
			.isInstanceOf(IllegalArgumentException.class);
		assertThatThrownBy(() -> TinyModelCreator.create(tmp.resolve("m"), 1, List.of(tmp.resolve("none.jsonl")),
				1024, TinyQwenVl.DEFAULT))
			.isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("none.jsonl");
		Path broken = Files.writeString(tmp.resolve("broken.jsonl"), "{\"conversations\": []}\n");
		assertThatThrownBy(() -> TinyModelCreator.create(tmp.resolve("m2"), 1, List.of(broken), 1024,
				TinyQwenVl.DEFAULT))
			.isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("broken.jsonl:1");
	}

}

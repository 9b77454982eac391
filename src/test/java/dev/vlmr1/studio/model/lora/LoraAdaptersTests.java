package dev.vlmr1.studio.model.lora;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.vlmr1.studio.Slow;
import dev.vlmr1.studio.model.CheckpointException;
import dev.vlmr1.studio.model.FixtureTensors;
import dev.vlmr1.studio.model.ModelInputs;
import dev.vlmr1.studio.model.QwenVlModel;
import dev.vlmr1.studio.model.TensorSource;
import dev.vlmr1.studio.model.safetensors.DType;
import dev.vlmr1.studio.model.safetensors.SafetensorsReader;
import dev.vlmr1.studio.model.tokenizer.QwenTokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** LoRA on the tiny Qwen2.5-VL: the adapters' forward is the merged model's, switches, PEFT files, export. */
@Slow
class LoraAdaptersTests {

	static final Path TINY = FixtureTensors.ROOT.resolve("qwen2_5_vl_tiny");

	static final LoraConfig EVERYWHERE = new LoraConfig(4, 8, 0.0, LoraTargets.preset("decoder_and_vision"));

	/** Non-zero A and B (B is zero after PEFT's init, which would hide every mistake in B's path). */
	static TensorSource nonZero(long seed) {
		return (name, shape) -> {
			Random random = new Random(seed ^ name.hashCode());
			float[] values = new float[Math.toIntExact(shape[0] * shape[1])];
			for (int i = 0; i < values.length; i++) {
				values[i] = (float) (random.nextGaussian() * 0.02);
			}
			return values;
		};
	}

	static float[] logits(QwenVlModel model) {
		try (var fixture = FixtureTensors.open("qwen2_5_vl_tiny/case_single.safetensors");
				NDManager manager = model.manager().newSubManager()) {
			ModelInputs inputs = ModelInputs.of(fixture.array(manager, "input_ids"))
				.withImages(fixture.array(manager, "pixel_values"), fixture.matrix("image_grid_thw"));
			return model.forward(inputs).logits().toFloatArray();
		}
	}

	static double maxAbsDiff(float[] a, float[] b) {
		assertThat(a).hasSameSizeAs(b);
		double max = 0;
		for (int i = 0; i < a.length; i++) {
			max = Math.max(max, Math.abs(a[i] - b[i]));
		}
		return max;
	}

	/**
	 * 1e-5 for logits of order one. x·(W + s·B·A)ᵀ and x·Wᵀ + s·(x·Aᵀ)·Bᵀ round differently in float32; the tiny model's
	 * logits reach 12, where one ulp is 1e-6, and measured differences are 1.0e-5 (everywhere) and 9.7e-6 (decoder
	 * only): the bound scales with the largest logit, 1e-6 · max|logit|.
	 */
	static double mergeTolerance(float[] logits) {
		return 1e-6 * Math.max(10, maxAbsDiff(logits, new float[logits.length]));
	}

	static QwenVlModel merged(QwenVlModel model) {
		try (NDManager scratch = model.manager().newSubManager()) {
			Map<String, NDArray> merged = model.lora().mergedWeights(model.parameters().all(), scratch);
			return QwenVlModel.load(model.config(), (name, shape) -> merged.get(name).toFloatArray());
		}
	}

	@Test
	void knownDecoderAdaptersGiveTheLogitsOfTheMergedModel() {
		try (QwenVlModel model = QwenVlModel.load(TINY)) {
			float[] base = logits(model);
			model.attachLora(new LoraConfig(4, 8, 0, LoraTargets.defaults()), nonZero(7));
			float[] adapted = logits(model);
			try (QwenVlModel merged = merged(model)) {
				assertThat(maxAbsDiff(logits(merged), adapted)).isLessThanOrEqualTo(mergeTolerance(adapted));
			}
		}
	}

	@Test
	void knownAdaptersGiveTheLogitsOfTheMergedModel() {
		try (QwenVlModel model = QwenVlModel.load(TINY)) {
			float[] base = logits(model);
			LoraAdapters lora = model.attachLora(EVERYWHERE, nonZero(7));
			// 2 decoder layers × 7 projections + 4 vision blocks × (qkv, proj, gate, up, down)
			assertThat(lora.targets()).hasSize(2 * 7 + 4 * 5);
			float[] adapted = logits(model);
			assertThat(maxAbsDiff(adapted, base)).as("the adapters change the logits").isGreaterThan(1e-2);
			try (QwenVlModel merged = merged(model)) {
				assertThat(maxAbsDiff(logits(merged), adapted)).isLessThanOrEqualTo(mergeTolerance(adapted));
			}
		}
	}

	@Test
	void peftInitialisationChangesNothingAndDrawsAWithinKaimingBounds() {
		try (QwenVlModel model = QwenVlModel.load(TINY)) {
			float[] base = logits(model);
			LoraAdapters lora = model.attachLora(EVERYWHERE, LoraAdapters.peftInit(3));
			assertThat(logits(model)).containsExactly(base);
			Projection q = model.parameters().projections().get("model.layers.0.self_attn.q_proj");
			float[] a = q.adapter().a().toFloatArray();
			double bound = 1 / Math.sqrt(64);
			double largest = maxAbsDiff(a, new float[a.length]);
			assertThat(largest).as("A within ±1/√in and not zero").isLessThanOrEqualTo(bound).isGreaterThan(bound / 2);
			assertThat(q.adapter().b().toFloatArray()).containsOnly(0f);
			assertThat(lora.parameters()).containsKeys("model.layers.0.self_attn.q_proj.lora_A.weight",
					"visual.blocks.3.mlp.down_proj.lora_B.weight");
		}
	}

	@Test
	void switchedOffAdaptersComputeTheBaseModelExactly() {
		try (QwenVlModel model = QwenVlModel.load(TINY)) {
			float[] base = logits(model);
			LoraAdapters lora = model.attachLora(EVERYWHERE, nonZero(7));
			try (var off = lora.disabled()) {
				assertThat(lora.enabled()).isFalse();
				assertThat(logits(model)).containsExactly(base);
			}
			assertThat(lora.enabled()).isTrue();
			assertThat(maxAbsDiff(logits(model), base)).isGreaterThan(1e-2);
		}
	}

	@Test
	void decoderTargetsLeaveTheVisionTowerAlone() {
		try (QwenVlModel model = QwenVlModel.load(TINY)) {
			LoraAdapters lora = model.attachLora(new LoraConfig(2, 4, 0, LoraTargets.defaults()), nonZero(1));
			assertThat(lora.targets()).extracting(Projection::module)
				.hasSize(14)
				.allSatisfy((m) -> assertThat(m).startsWith("model.layers."));
			assertThatThrownBy(() -> model.attachLora(EVERYWHERE, nonZero(1))).isInstanceOf(IllegalStateException.class);
		}
	}

	@Test
	void dropoutIsSeededAndOnlyWhileTraining() {
		LoraConfig withDropout = new LoraConfig(4, 8, 0.3, LoraTargets.defaults());
		try (QwenVlModel model = QwenVlModel.load(TINY)) {
			LoraAdapters lora = model.attachLora(withDropout, nonZero(5));
			float[] eval = logits(model);
			float[] first;
			float[] again;
			float[] other;
			try (var training = lora.training(11)) {
				first = logits(model);
			}
			try (var training = lora.training(11)) {
				again = logits(model);
			}
			try (var training = lora.training(12)) {
				other = logits(model);
			}
			assertThat(again).containsExactly(first);
			assertThat(maxAbsDiff(first, eval)).isGreaterThan(1e-3);
			assertThat(maxAbsDiff(first, other)).isGreaterThan(1e-3);
			assertThat(logits(model)).as("dropout is off again").containsExactly(eval);
		}
	}

	@Test
	void peftFilesRoundTripWithPeftNamesAndConfig(@TempDir Path dir) throws Exception {
		float[] adapted;
		try (QwenVlModel model = QwenVlModel.load(TINY)) {
			model.attachLora(new LoraConfig(4, 16, 0.05, LoraTargets.preset("decoder_and_vision")), nonZero(9));
			adapted = logits(model);
			PeftAdapterFiles.write(dir, model.lora(), TINY.toAbsolutePath().toString());
		}
		try (var reader = SafetensorsReader.open(dir.resolve(PeftAdapterFiles.WEIGHTS))) {
			assertThat(reader.names()).contains(
					"base_model.model.model.language_model.layers.0.self_attn.q_proj.lora_A.weight",
					"base_model.model.model.language_model.layers.1.mlp.down_proj.lora_B.weight",
					"base_model.model.model.visual.blocks.0.attn.qkv.lora_A.weight")
				.hasSize(2 * (2 * 7 + 4 * 5));
			assertThat(reader.info("base_model.model.model.language_model.layers.0.mlp.down_proj.lora_A.weight").shape())
				.containsExactly(4, 128);
		}
		JsonNode config = new ObjectMapper().readTree(dir.resolve(PeftAdapterFiles.CONFIG).toFile());
		assertThat(config.get("peft_type").asText()).isEqualTo("LORA");
		assertThat(config.get("r").asInt()).isEqualTo(4);
		assertThat(config.get("lora_alpha").asInt()).isEqualTo(16);
		assertThat(config.get("task_type").asText()).isEqualTo("CAUSAL_LM");
		// the regular expression PEFT full-matches against module names selects what we trained, in both layouts
		String pattern = config.get("target_modules").asText();
		assertThat("model.language_model.layers.1.mlp.gate_proj").matches(pattern);
		assertThat("model.layers.1.self_attn.o_proj").matches(pattern);
		assertThat("model.visual.blocks.2.attn.qkv").matches(pattern);
		assertThat("model.visual.merger.mlp.0").doesNotMatch(pattern);
		assertThat("lm_head").doesNotMatch(pattern);
		try (QwenVlModel loaded = QwenVlModel.load(dir)) {
			assertThat(loaded.lora().config().r()).isEqualTo(4);
			assertThat(loaded.lora().config().scaling()).isEqualTo(4.0);
			assertThat(logits(loaded)).containsExactly(adapted);
		}
	}

	@Test
	void decoderPatternDoesNotSelectTheVisionMlp() {
		String pattern = LoraTargets.defaults().peftPattern();
		assertThat("model.language_model.layers.0.mlp.gate_proj").matches(pattern);
		assertThat("model.visual.blocks.0.mlp.gate_proj").doesNotMatch(pattern);
		assertThat("visual.blocks.0.mlp.gate_proj").doesNotMatch(pattern);
	}

	@Test
	void mergeAndExportWritesAFullCheckpointWithTheAdaptersLogits(@TempDir Path dir) {
		Path out = dir.resolve("merged");
		float[] adapted;
		try (QwenVlModel model = QwenVlModel.load(TINY); QwenTokenizer tokenizer = QwenTokenizer.load(TINY)) {
			model.attachLora(EVERYWHERE, nonZero(4));
			adapted = logits(model);
			LoraExport.mergeAndSave(model, TINY, out, tokenizer.specialTokens(), DType.F32);
		}
		assertThat(out.resolve("config.json")).exists();
		assertThat(out.resolve("tokenizer.json")).exists();
		assertThat(out.resolve(PeftAdapterFiles.CONFIG)).doesNotExist();
		try (QwenVlModel merged = QwenVlModel.load(out)) {
			assertThat(merged.lora()).isNull();
			assertThat(maxAbsDiff(logits(merged), adapted)).isLessThanOrEqualTo(mergeTolerance(adapted));
		}
	}

	@Test
	void unsupportedOrInconsistentAdapterFilesAreRefusedByName(@TempDir Path dir) throws Exception {
		try (QwenVlModel model = QwenVlModel.load(TINY)) {
			model.attachLora(new LoraConfig(4, 8, 0, LoraTargets.defaults()), nonZero(2));
			PeftAdapterFiles.write(dir, model.lora(), TINY.toAbsolutePath().toString());
		}
		Path config = dir.resolve(PeftAdapterFiles.CONFIG);
		String original = Files.readString(config);
		Files.writeString(config, original.replace("\"use_dora\" : false", "\"use_dora\" : true"));
		assertThatThrownBy(() -> QwenVlModel.load(dir)).isInstanceOf(CheckpointException.class).hasMessageContaining("use_dora");
		Files.writeString(config, original.replace("\"r\" : 4", "\"r\" : 8"));
		assertThatThrownBy(() -> QwenVlModel.load(dir)).isInstanceOf(CheckpointException.class)
			.hasMessageContaining("not rank r = 8");
		Files.writeString(config, original.replace(TINY.toAbsolutePath().toString(), "/nowhere/base"));
		assertThatThrownBy(() -> QwenVlModel.load(dir)).isInstanceOf(CheckpointException.class)
			.hasMessageContaining("/nowhere/base");
		Files.writeString(config, original.replace("\"peft_type\" : \"LORA\"", "\"peft_type\" : \"IA3\""));
		assertThatThrownBy(() -> QwenVlModel.load(dir)).isInstanceOf(CheckpointException.class).hasMessageContaining("IA3");
	}

	static {
		Engine.getInstance();
	}

}

package dev.vlmr1.studio.model;

import java.nio.file.Path;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Config layouts, weight-name schemes and dtypes all give the same model; broken checkpoints fail clearly. */
class CheckpointVariantsTests {

	static final Device DEVICE = Engine.getInstance().defaultDevice();

	static float[] singleCaseLogits(QwenVlModel model, String name) {
		try (var fixture = FixtureTensors.open(name + "/case_single.safetensors");
				NDManager manager = model.manager().newSubManager()) {
			ModelInputs inputs = ModelInputs.of(fixture.array(manager, "input_ids"))
				.withImages(fixture.array(manager, "pixel_values"), fixture.matrix("image_grid_thw"));
			return model.forward(inputs).logits().toFloatArray();
		}
	}

	static float[] reference(String name) {
		try (var fixture = FixtureTensors.open(name + "/case_single.safetensors")) {
			return fixture.floats("logits");
		}
	}

	static float maxAbsDiff(float[] a, float[] b) {
		assertThat(a).hasSameSizeAs(b);
		float max = 0;
		for (int i = 0; i < a.length; i++) {
			max = Math.max(max, Math.abs(a[i] - b[i]));
		}
		return max;
	}

	static QwenVlModel load(String name, String configFile, String weightsFile) {
		Path dir = FixtureTensors.ROOT.resolve(name);
		try (Weights weights = Weights.open(dir.resolve(weightsFile))) {
			return QwenVlModel.load(QwenVlConfig.load(dir.resolve(configFile)), weights, DEVICE);
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "qwen2_5_vl_tiny", "qwen2_vl_tiny" })
	void legacyFlatConfigGivesTheSameLogits(String name) {
		try (QwenVlModel model = load(name, "config.legacy_flat.json", "model.safetensors")) {
			assertThat(maxAbsDiff(singleCaseLogits(model, name), reference(name))).isLessThanOrEqualTo(1e-4f);
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "qwen2_5_vl_tiny", "qwen2_vl_tiny" })
	void newWeightNamesGiveTheSameLogits(String name) {
		try (QwenVlModel model = load(name, "config.json", "model.new_names.safetensors")) {
			assertThat(maxAbsDiff(singleCaseLogits(model, name), reference(name))).isLessThanOrEqualTo(1e-4f);
		}
	}

	/**
	 * The BF16 file holds the F32 weights rounded to nearest-even bfloat16, widened exactly in Java: so its logits
	 * are exactly those of the F32 weights rounded in Java (provable, and asserted bit for bit), and differ from the
	 * F32 logits only by the rounding of the weights.
	 */
	@ParameterizedTest
	@ValueSource(strings = { "qwen2_5_vl_tiny", "qwen2_vl_tiny" })
	void bf16WeightsGiveTheLogitsOfTheF32WeightsRoundedToBf16(String name) {
		Path dir = FixtureTensors.ROOT.resolve(name);
		QwenVlConfig config = QwenVlConfig.load(dir);
		float[] bf16Logits;
		try (QwenVlModel model = load(name, "config.json", "model.bf16.safetensors")) {
			bf16Logits = singleCaseLogits(model, name);
		}
		float[] roundedLogits;
		try (Weights f32 = Weights.open(dir.resolve("model.safetensors"));
				QwenVlModel rounded = QwenVlModel.load(config, (n, shape) -> roundToBf16(f32.floats(n, shape)), DEVICE)) {
			roundedLogits = singleCaseLogits(rounded, name);
		}
		assertThat(maxAbsDiff(bf16Logits, roundedLogits)).isZero();
		float[] f32Logits = reference(name);
		float scale = 0;
		for (float v : f32Logits) {
			scale = Math.max(scale, Math.abs(v));
		}
		// bf16 keeps 8 significant bits: the weights move by ≤ 2^-9 relative, the logits by a few times that
		assertThat(maxAbsDiff(bf16Logits, f32Logits)).isGreaterThan(0).isLessThan(scale * 0.05f);
	}

	static float[] roundToBf16(float[] values) {
		float[] out = new float[values.length];
		for (int i = 0; i < values.length; i++) {
			int bits = Float.floatToRawIntBits(values[i]);
			bits += 0x7FFF + ((bits >>> 16) & 1); // round to nearest, ties to even
			out[i] = Float.intBitsToFloat(bits & 0xFFFF0000);
		}
		return out;
	}

	static QwenVlConfig edited(String name, String field, int value) throws Exception {
		var json = (ObjectNode) new ObjectMapper().readTree(FixtureTensors.ROOT.resolve(name + "/config.json").toFile());
		((ObjectNode) json.get("text_config")).put(field, value);
		return QwenVlConfig.fromJson(json);
	}

	@ParameterizedTest
	@ValueSource(strings = { "qwen2_5_vl_tiny" })
	void brokenCheckpointsFailWithTheTensorName(String name) throws Exception {
		Path dir = FixtureTensors.ROOT.resolve(name);
		try (Weights weights = Weights.open(dir)) {
			assertThatThrownBy(() -> QwenVlModel.load(edited(name, "num_hidden_layers", 3), weights, DEVICE))
				.isInstanceOf(CheckpointException.class)
				.hasMessageContaining("model.layers.2.");
		}
		try (Weights weights = Weights.open(dir)) {
			assertThatThrownBy(() -> QwenVlModel.load(edited(name, "intermediate_size", 100), weights, DEVICE))
				.isInstanceOf(CheckpointException.class)
				.hasMessageContaining("mlp.gate_proj.weight")
				.hasMessageContaining("[100, 64]")
				.hasMessageContaining("[128, 64]");
		}
		try (Weights weights = Weights.open(dir)) {
			assertThatThrownBy(() -> QwenVlModel.load(edited(name, "num_hidden_layers", 1), weights, DEVICE))
				.isInstanceOf(CheckpointException.class)
				.hasMessageContaining("does not use")
				.hasMessageContaining("model.layers.1.");
		}
		var json = (ObjectNode) new ObjectMapper().readTree(dir.resolve("config.json").toFile());
		json.put("model_type", "llava");
		assertThatThrownBy(() -> QwenVlConfig.fromJson(json)).isInstanceOf(CheckpointException.class)
			.hasMessageContaining("unknown model_type 'llava'");
	}

	@ParameterizedTest
	@ValueSource(strings = { "qwen2_5_vl_tiny" })
	void imageFeaturesThatDoNotMatchTheImagePadsAreRejected(String name) {
		try (QwenVlModel model = QwenVlModel.load(FixtureTensors.ROOT.resolve(name));
				var fixture = FixtureTensors.open(name + "/case_single.safetensors");
				NDManager manager = model.manager().newSubManager()) {
			NDArray ids = fixture.array(manager, "input_ids");
			NDArray embeds = fixture.array(manager, "image_embeds"); // (6, 64)
			long[][] grid = fixture.matrix("image_grid_thw");
			NDArray fewer = embeds.get("0:5");
			assertThatThrownBy(() -> model.forward(ModelInputs.of(ids).withImageEmbeds(fewer, grid)))
				.isInstanceOf(IllegalArgumentException.class)
				.hasMessageContaining("6 <|image_pad|> tokens");
			// a grid of 8 merged tokens for a prompt with 6 pads
			assertThatThrownBy(() -> model.forward(ModelInputs.of(ids)
				.withImages(manager.zeros(new ai.djl.ndarray.types.Shape(32, 1176)), new long[][] { { 1, 4, 8 } })))
				.isInstanceOf(IllegalArgumentException.class);
			assertThatThrownBy(() -> model.forward(ModelInputs.of(ids))).isInstanceOf(IllegalArgumentException.class)
				.hasMessageContaining("more images");
		}
	}

}

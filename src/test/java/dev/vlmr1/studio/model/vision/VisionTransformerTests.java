package dev.vlmr1.studio.model.vision;

import java.nio.file.Path;
import java.util.List;

import ai.djl.ndarray.BaseNDManager;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import dev.vlmr1.studio.model.Parameters;
import dev.vlmr1.studio.model.QwenVlConfig;
import dev.vlmr1.studio.model.Weights;
import dev.vlmr1.studio.model.safetensors.SafetensorsReader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Parity of the whole vision tower with transformers' {@code image_embeds} on the tiny fixture checkpoints. */
class VisionTransformerTests {

	static final Path FIXTURES = Path.of("src/test/resources/fixtures");

	@ParameterizedTest
	@CsvSource({ "qwen2_5_vl_tiny, case_single", "qwen2_5_vl_tiny, case_multi", "qwen2_vl_tiny, case_single",
			"qwen2_vl_tiny, case_multi" })
	void imageEmbedsMatchTransformers(String model, String caseName) {
		Path dir = FIXTURES.resolve(model);
		try (NDManager manager = NDManager.newBaseManager(); Weights weights = Weights.open(dir)) {
			VisionTransformer tower = VisionTransformer.load(QwenVlConfig.load(dir).vision(),
					new Parameters(manager, weights));
			assertThat(weights.unconsumed()).noneMatch((name) -> name.startsWith("visual."));
			try (SafetensorsReader inputs = SafetensorsReader.open(dir.resolve(caseName + ".safetensors"))) {
				float[] expected = inputs.floats("image_embeds");
				NDArray embeds = tower.forward(array(manager, inputs, "pixel_values"), grid(inputs));
				assertThat(embeds.getShape()).isEqualTo(new Shape(inputs.info("image_embeds").shape()));
				float error = maxAbsDiff(embeds.toFloatArray(), expected);
				System.out.printf("%s %s image_embeds max abs error %.3g%n", model, caseName, error);
				assertThat(error).isLessThanOrEqualTo(1e-4f);
			}
		}
	}

	@ParameterizedTest
	@CsvSource({ "qwen2_5_vl_tiny", "qwen2_vl_tiny" })
	void bf16WeightsGiveEmbedsCloseToFloat32(String model) {
		Path dir = FIXTURES.resolve(model);
		var config = QwenVlConfig.load(dir).vision();
		try (NDManager manager = NDManager.newBaseManager(); Weights f32 = Weights.open(dir);
				Weights bf16 = Weights.open(dir.resolve("model.bf16.safetensors"));
				SafetensorsReader inputs = SafetensorsReader.open(dir.resolve("case_multi.safetensors"))) {
			NDArray pixels = array(manager, inputs, "pixel_values");
			float[] exact = VisionTransformer.load(config, new Parameters(manager, f32))
				.forward(pixels, grid(inputs))
				.toFloatArray();
			float[] widened = VisionTransformer.load(config, new Parameters(manager, bf16))
				.forward(pixels, grid(inputs))
				.toFloatArray();
			float scale = maxAbs(exact);
			float error = maxAbsDiff(widened, exact);
			System.out.printf("%s bf16 weights: max abs diff %.3g (max |embed| %.3g)%n", model, error, scale);
			// bf16 keeps 8 mantissa bits (relative 2^-9 per weight); errors compound over the blocks but stay
			// within a few percent of the embeddings' range, and are not zero (the weights really were rounded)
			assertThat(error).isGreaterThan(0f).isLessThan(0.05f * scale);
		}
	}

	@Test
	void backwardReachesEveryKindOfParameter() {
		Path dir = FIXTURES.resolve("qwen2_5_vl_tiny");
		try (NDManager manager = NDManager.newBaseManager(); Weights weights = Weights.open(dir);
				SafetensorsReader inputs = SafetensorsReader.open(dir.resolve("case_multi.safetensors"))) {
			Parameters params = new Parameters(manager, weights);
			VisionTransformer tower = VisionTransformer.load(QwenVlConfig.load(dir).vision(), params);
			params.all().values().forEach((p) -> p.setRequiresGradient(true));
			try (GradientCollector collector = manager.getEngine().newGradientCollector();
					NDManager step = manager.newSubManager()) {
				NDArray embeds = tower.forward(array(step, inputs, "pixel_values"), grid(inputs));
				collector.backward(embeds.sum());
			}
			for (String name : List.of("visual.patch_embed.proj.weight", "visual.blocks.0.attn.qkv.weight",
					"visual.blocks.0.norm1.weight", "visual.blocks.2.mlp.gate_proj.bias",
					"visual.blocks.3.attn.proj.weight", "visual.merger.ln_q.weight", "visual.merger.mlp.2.bias")) {
				float[] grad = params.get(name).getGradient().toFloatArray();
				float largest = maxAbs(grad);
				assertThat(Float.isFinite(largest) && largest > 0).as(name + " gradient finite and non-zero").isTrue();
			}
			// d Σ embeds / d merger.mlp.2.bias[j] = number of merged tokens, exactly
			assertThat(params.get("visual.merger.mlp.2.bias").getGradient().toFloatArray())
				.containsOnly((float) inputs.info("image_embeds").shape()[0]);
		}
	}

	@ParameterizedTest
	@CsvSource({ "qwen2_5_vl_tiny, visual.blocks.0.attn.qkv.weight", "qwen2_5_vl_tiny, visual.patch_embed.proj.weight",
			"qwen2_vl_tiny, visual.blocks.1.mlp.fc1.weight" })
	void gradientAgreesWithFiniteDifferences(String model, String name) {
		Path dir = FIXTURES.resolve(model);
		var config = QwenVlConfig.load(dir).vision();
		try (NDManager manager = NDManager.newBaseManager(); Weights weights = Weights.open(dir);
				SafetensorsReader inputs = SafetensorsReader.open(dir.resolve("case_multi.safetensors"))) {
			Parameters params = new Parameters(manager, weights);
			VisionTransformer tower = VisionTransformer.load(config, params);
			NDArray pixels = array(manager, inputs, "pixel_values");
			params.get(name).setRequiresGradient(true);
			try (GradientCollector collector = manager.getEngine().newGradientCollector()) {
				collector.backward(tower.forward(pixels, grid(inputs)).sum());
			}
			float[] grad = params.get(name).getGradient().toFloatArray();
			int at = 0;
			for (int i = 0; i < grad.length; i++) {
				at = Math.abs(grad[i]) > Math.abs(grad[at]) ? i : at;
			}
			int element = at;
			float delta = 1e-2f;
			double[] sums = new double[2];
			for (int side = 0; side < 2; side++) {
				float shift = side == 0 ? delta : -delta;
				Parameters shifted = new Parameters(manager, (tensor, shape) -> {
					float[] values = weights.floats(tensor, shape);
					if (tensor.equals(name)) {
						values[element] += shift;
					}
					return values;
				});
				for (float v : VisionTransformer.load(config, shifted).forward(pixels, grid(inputs)).toFloatArray()) {
					sums[side] += v;
				}
			}
			double numeric = (sums[0] - sums[1]) / (2 * delta);
			System.out.printf("%s %s[%d]: autograd %.5g, finite difference %.5g%n", model, name, at, grad[at], numeric);
			assertThat(grad[at]).isCloseTo((float) numeric, within(0.01f * Math.abs(grad[at]) + 1e-3f));
		}
	}

	@Test
	void temporariesStayOnTheCallersManager() {
		Path dir = FIXTURES.resolve("qwen2_5_vl_tiny");
		try (NDManager manager = NDManager.newBaseManager(); Weights weights = Weights.open(dir);
				SafetensorsReader inputs = SafetensorsReader.open(dir.resolve("case_multi.safetensors"))) {
			VisionTransformer tower = VisionTransformer.load(QwenVlConfig.load(dir).vision(),
					new Parameters(manager, weights));
			int parameterArrays = ((BaseNDManager) manager).getManagedArrays().size();
			try (NDManager call = manager.newSubManager()) {
				tower.forward(array(call, inputs, "pixel_values"), grid(inputs));
				assertThat(((BaseNDManager) call).getManagedArrays()).hasSizeGreaterThan(10);
			}
			assertThat(((BaseNDManager) manager).getManagedArrays()).hasSize(parameterArrays);
		}
	}

	@Test
	void rejectsInputsThatDoNotMatchTheGrid() {
		Path dir = FIXTURES.resolve("qwen2_5_vl_tiny");
		try (NDManager manager = NDManager.newBaseManager(); Weights weights = Weights.open(dir)) {
			VisionTransformer tower = VisionTransformer.load(QwenVlConfig.load(dir).vision(),
					new Parameters(manager, weights));
			NDArray pixels = manager.zeros(new Shape(24, 1176));
			assertThatThrownBy(() -> tower.forward(pixels, new long[][] { { 1, 4, 8 } }))
				.isInstanceOf(IllegalArgumentException.class)
				.hasMessageContaining("32 patches but pixel_values has 24");
			assertThatThrownBy(() -> tower.forward(pixels, new long[][] { { 1, 3, 8 } }))
				.isInstanceOf(IllegalArgumentException.class)
				.hasMessageContaining("multiples of 2");
			assertThatThrownBy(() -> tower.forward(manager.zeros(new Shape(24, 588)), new long[][] { { 1, 4, 6 } }))
				.isInstanceOf(IllegalArgumentException.class)
				.hasMessageContaining("(patches, 1176)");
			assertThatThrownBy(() -> tower.forward(pixels, new long[0][]))
				.isInstanceOf(IllegalArgumentException.class);
		}
	}

	static NDArray array(NDManager manager, SafetensorsReader reader, String name) {
		return manager.create(reader.floats(name), new Shape(reader.info(name).shape()));
	}

	static long[][] grid(SafetensorsReader reader) {
		long[] flat = reader.longs("image_grid_thw");
		long[][] grid = new long[flat.length / 3][];
		for (int i = 0; i < grid.length; i++) {
			grid[i] = new long[] { flat[3 * i], flat[3 * i + 1], flat[3 * i + 2] };
		}
		return grid;
	}

	static float maxAbsDiff(float[] actual, float[] expected) {
		assertThat(actual).hasSameSizeAs(expected);
		float max = 0;
		for (int i = 0; i < actual.length; i++) {
			max = Math.max(max, Math.abs(actual[i] - expected[i]));
		}
		return max;
	}

	static float maxAbs(float[] values) {
		float max = 0;
		for (float v : values) {
			max = Math.max(max, Math.abs(v));
		}
		return max;
	}

}

package dev.vlmr1.studio.model;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.vlmr1.studio.model.lora.LoraAdapters;
import dev.vlmr1.studio.model.lora.LoraConfig;
import dev.vlmr1.studio.model.lora.LoraTargets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A frozen base in float16 ({@link TorchDtype#FLOAT16}): what is stored in half precision, how it is loaded, and how
 * far its logits drift from the float32 model's on the transformers fixtures.
 */
class HalfBaseTests {

	static final Path TINY = FixtureTensors.ROOT.resolve("qwen2_5_vl_tiny");

	static final Device CPU = Device.cpu();

	/**
	 * Logits drift of the float16 base against float32 over the logits' range. Half precision keeps 11 significant
	 * bits (relative rounding 2^-11 ≈ 4.9e-4 per weight); over the tiny models' two layers the measured drift is
	 * 0.9–1.3e-3 of max|logit| ≈ 11 (widened float32 products, outside the graph) and 1.3–1.9e-3 (half-precision
	 * products in the training graph, activations rounded too). 5e-3 bounds both with room for other shapes.
	 */
	static final double DRIFT = 5e-3;

	@Test
	void matricesAreHalfAndVectorsStayFloat32() {
		try (QwenVlModel model = QwenVlModel.load(TINY, CPU, TorchDtype.FLOAT16)) {
			assertThat(model.torchDtype()).isEqualTo(TorchDtype.FLOAT16);
			model.parameters().all().forEach((name, p) -> assertThat(p.getDataType()).as(name)
				.isEqualTo(p.getShape().dimension() >= 2 ? DataType.FLOAT16 : DataType.FLOAT32));
			assertThat(model.parameters().get("model.layers.0.self_attn.q_proj.weight").getDataType())
				.isEqualTo(DataType.FLOAT16);
			assertThat(model.parameters().get("model.layers.0.self_attn.q_proj.bias").getDataType())
				.isEqualTo(DataType.FLOAT32);
			var lora = model.attachLora(new LoraConfig(4, 8, 0, LoraTargets.defaults()), LoraAdaptersSource.NON_ZERO);
			lora.parameters().forEach((name, p) -> assertThat(p.getDataType()).as(name).isEqualTo(DataType.FLOAT32));
		}
	}

	@Test
	void matricesGoStraightIntoHalfPrecisionNeverThroughAFloat32Copy() {
		List<String> widened = new ArrayList<>();
		try (Weights weights = Weights.open(TINY)) {
			TensorSource recording = new TensorSource() {
				@Override
				public float[] floats(String name, long... shape) {
					widened.add(name + " " + shape.length + "-d");
					return weights.floats(name, shape);
				}

				@Override
				public java.nio.ByteBuffer halfs(String name, long... shape) {
					return weights.halfs(name, shape);
				}
			};
			try (QwenVlModel model = QwenVlModel.load(QwenVlConfig.load(TINY), recording, CPU, TorchDtype.FLOAT16)) {
				assertThat(widened).as("only vectors are read as float32").allSatisfy((n) -> assertThat(n).endsWith(" 1-d"));
				assertThat(weights.unconsumed()).isEmpty();
			}
		}
	}

	@Test
	void aBfloat16CheckpointLoadsIntoHalfPrecisionAsItsFloat32WideningRounded() {
		try (Weights bf16 = Weights.open(TINY.resolve("model.bf16.safetensors"))) {
			long[] shape = bf16.shape("model.layers.0.mlp.up_proj.weight");
			float[] wide = bf16.floats("model.layers.0.mlp.up_proj.weight", shape);
			java.nio.ByteBuffer half = bf16.halfs("model.layers.0.mlp.up_proj.weight", shape);
			try (NDManager manager = NDManager.newBaseManager(CPU)) {
				float[] back = manager.create(half, new Shape(shape), DataType.FLOAT16)
					.toType(DataType.FLOAT32, false)
					.toFloatArray();
				float[] rounded = manager.create(wide, new Shape(shape))
					.toType(DataType.FLOAT16, false)
					.toType(DataType.FLOAT32, false)
					.toFloatArray();
				assertThat(back).as("Java's narrowing rounds as libtorch's does").containsExactly(rounded);
			}
		}
	}

	@ParameterizedTest
	@CsvSource({ "qwen2_5_vl_tiny, single", "qwen2_5_vl_tiny, multi", "qwen2_5_vl_tiny, text", "qwen2_vl_tiny, single",
			"qwen2_vl_tiny, multi" })
	void logitsOfAHalfBaseStayNearFloat32(String name, String kase) {
		Path dir = FixtureTensors.ROOT.resolve(name);
		try (QwenVlModel full = QwenVlModel.load(dir, CPU, TorchDtype.FLOAT32);
				QwenVlModel half = QwenVlModel.load(dir, CPU, TorchDtype.FLOAT16)) {
			float[] reference = logits(full, name, kase, false);
			double range = maxAbs(reference);
			double widened = maxAbsDiff(logits(half, name, kase, false), reference) / range;
			double inGraph = maxAbsDiff(logits(half, name, kase, true), reference) / range;
			System.out.printf("float16 base drift %s/%s: widened %.2e, in graph %.2e of max|logit| %.2f%n", name, kase,
					widened, inGraph, range);
			assertThat(widened).as("outside the graph").isLessThanOrEqualTo(DRIFT).isGreaterThan(0);
			assertThat(inGraph).as("in the training graph").isLessThanOrEqualTo(DRIFT).isGreaterThan(0);
		}
	}

	@Test
	void halfPrecisionIsRefusedForNothingButBfloat16AndUnknownNames() {
		assertThat(TorchDtype.parse("float16")).isEqualTo(TorchDtype.FLOAT16);
		assertThat(TorchDtype.parse("torch.float32")).isEqualTo(TorchDtype.FLOAT32);
		assertThatThrownBy(() -> TorchDtype.parse("bfloat16")).hasMessageContaining("aborts");
		assertThatThrownBy(() -> TorchDtype.parse("int8")).hasMessageContaining("float32 or float16");
	}

	/**
	 * The fixture case's logits; {@code inGraph} runs the forward as a LoRA training step does: fresh adapters (B = 0,
	 * so the function is the base's) that require gradients, inside a gradient collector, so every projection after
	 * the first adapted one sees a tracked input and takes the half-precision path.
	 */
	static float[] logits(QwenVlModel model, String name, String kase, boolean inGraph) {
		try (var fixture = FixtureTensors.open(name + "/case_" + kase + ".safetensors");
				NDManager manager = model.manager().newSubManager()) {
			ModelInputs inputs = ModelInputs.of(fixture.array(manager, "input_ids"));
			if (fixture.contains("image_embeds")) {
				inputs = inputs.withImageEmbeds(fixture.array(manager, "image_embeds"), fixture.matrix("image_grid_thw"));
			}
			if (!inGraph) {
				return model.forward(inputs).logits().toFloatArray();
			}
			var lora = model.attachLora(new LoraConfig(4, 8, 0, LoraTargets.defaults()), LoraAdapters.peftInit(1));
			lora.parameters().values().forEach((p) -> p.setRequiresGradient(true));
			try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
				assertThat(HalfLinear.inGraph()).isTrue();
				return model.forward(inputs).logits().toFloatArray();
			}
			finally {
				model.detachLora();
			}
		}
	}

	static double maxAbs(float[] values) {
		double max = 0;
		for (float v : values) {
			max = Math.max(max, Math.abs(v));
		}
		return max;
	}

	static double maxAbsDiff(float[] a, float[] b) {
		assertThat(a).hasSameSizeAs(b);
		double max = 0;
		for (int i = 0; i < a.length; i++) {
			max = Math.max(max, Math.abs(a[i] - b[i]));
		}
		return max;
	}

	/** Non-zero adapters, so a wrong dtype anywhere in their path would show. */
	static final class LoraAdaptersSource {

		static final TensorSource NON_ZERO = (name, shape) -> {
			Random random = new Random(name.hashCode());
			float[] values = new float[Math.toIntExact(shape[0] * shape[1])];
			for (int i = 0; i < values.length; i++) {
				values[i] = (float) (random.nextGaussian() * 0.02);
			}
			return values;
		};

	}

}

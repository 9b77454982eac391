package dev.vlmr1.studio.train;

import java.util.Map;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import org.junit.jupiter.api.Test;

import dev.vlmr1.studio.model.TorchDtype;
import dev.vlmr1.studio.model.lora.LoraAdapters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * A LoRA GRPO step with the base in float16 against the same step with the base in float32, on the fixture batch
 * (adapters on the decoder and the vision tower, non-zero A and B, KL reference = the base with adapters off).
 */
class HalfBaseGrpoStepTests {

	/**
	 * Measured on the tiny fixture model: loss 0.48448 vs 0.48479 (6.5e-4 relative), log-probs 7.3e-3 apart at most
	 * (reference 6.0e-3), the adapters' gradient 3.0e-3 apart relative to its norm. Bounds: 5e-3 relative for the loss and 2e-2 for gradients (half precision rounds
	 * weights and, in the training forward, activations to 11 bits).
	 */
	@Test
	void aLoraStepOnAHalfBaseStaysCloseToTheFloat32StepAndTrainsOnlyTheAdapters() {
		try (Policy full = Policy.load(TrainFixtures.TINY); Policy half = Policy.load(TrainFixtures.TINY, TorchDtype.FLOAT16);
				Policy old = Policy.load(TrainFixtures.GRPO.resolve("old_model"));
				NDManager scope = full.manager().newSubManager();
				AdamW fullAdamW = new AdamW(scope, AdamWTests.FIXTURE);
				AdamW halfAdamW = new AdamW(scope, AdamWTests.FIXTURE)) {
			LoraAdapters fullLora = full.model().attachLora(LoraGrpoStepTests.CONFIG, LoraGrpoStepTests.nonZero(7));
			LoraAdapters halfLora = half.model().attachLora(LoraGrpoStepTests.CONFIG, LoraGrpoStepTests.nonZero(7));
			Map<String, float[]> baseBefore = widened(half.parameters());
			GrpoBatch batch = GrpoStepTests.fixtureBatch(scope);
			GrpoLoss loss = new GrpoLoss(LossType.GRPO, 0.04, 0.2, 0.2, 33);

			var f32 = GrpoStep.run(full, full.withoutAdapters(), old, batch, loss, 1.0,
					new GrpoStep.Optimization(fullAdamW, 1e-3, 1.0, false), scope);
			var f16 = GrpoStep.run(half, half.withoutAdapters(), old, batch, loss, 1.0,
					new GrpoStep.Optimization(halfAdamW, 1e-3, 1.0, false), scope);

			double lossGap = Math.abs(f16.losses().get("grpo") - f32.losses().get("grpo"));
			double logpGap = TrainFixtures.maxAbsDiff(f16.logps(), f32.logps());
			double refGap = TrainFixtures.maxAbsDiff(f16.refLogps(), f32.refLogps());
			double gradGap = relativeGap(f16.grads(), f32.grads());
			System.out.printf("float16 base vs float32, LoRA GRPO step: loss %.6f vs %.6f (gap %.2e), logps %.2e, "
					+ "ref logps %.2e, gradient %.2e of its norm, grad norm %.5f vs %.5f%n", f16.losses().get("grpo"),
					f32.losses().get("grpo"), lossGap, logpGap, refGap, gradGap, f16.gradNorm(), f32.gradNorm());

			assertThat(f16.grads().keySet()).as("gradients reach the adapters only")
				.containsExactlyInAnyOrderElementsOf(halfLora.parameters().keySet());
			assertThat(f16.grads().values()).allSatisfy((g) -> assertThat(g.getDataType()).isEqualTo(DataType.FLOAT32));
			assertThat(f16.losses().get("grpo")).isCloseTo(f32.losses().get("grpo"),
					within(5e-3 * Math.abs(f32.losses().get("grpo"))));
			assertThat(logpGap).isLessThanOrEqualTo(2e-2);
			assertThat(refGap).isLessThanOrEqualTo(2e-2);
			assertThat(gradGap).isGreaterThan(0).isLessThanOrEqualTo(2e-2);
			assertThat(f16.gradNorm()).isCloseTo(f32.gradNorm(), within(2e-2 * f32.gradNorm()));
			half.parameters().forEach((name, p) -> {
				assertThat(p.getDataType()).as(name)
					.isEqualTo(p.getShape().dimension() >= 2 ? DataType.FLOAT16 : DataType.FLOAT32);
				assertThat(p.toType(DataType.FLOAT32, false).toFloatArray()).as("frozen " + name)
					.containsExactly(baseBefore.get(name));
			});
			assertThat(fullLora.parameters().keySet()).isEqualTo(halfLora.parameters().keySet());
		}
	}

	@Test
	void aHalfBaseWithoutAdaptersOrLoadedInAnotherPrecisionIsRefused() {
		try (Policy half = Policy.load(TrainFixtures.TINY, TorchDtype.FLOAT16)) {
			assertThatThrownBy(() -> half.requireDtype(TorchDtype.FLOAT16)).isInstanceOf(IllegalArgumentException.class)
				.hasMessageContaining("needs LoRA adapters");
			half.attachLora(LoraGrpoStepTests.CONFIG, 1);
			half.requireDtype(TorchDtype.FLOAT16);
			assertThatThrownBy(() -> half.requireDtype(TorchDtype.FLOAT32)).isInstanceOf(IllegalArgumentException.class)
				.hasMessageContaining("loaded in float16");
		}
		assertThatThrownBy(() -> GrpoConfig.builder().torchDtype(TorchDtype.FLOAT16).build())
			.isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("needs LoRA (lora_r > 0)");
		assertThatThrownBy(() -> SftConfig.defaults().withTorchDtype(TorchDtype.FLOAT16))
			.isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("needs LoRA (lora_r > 0)");
	}

	/** ‖a − b‖ / ‖b‖ over all tensors together. */
	private static double relativeGap(Map<String, NDArray> a, Map<String, NDArray> b) {
		double diff = 0;
		double norm = 0;
		for (var entry : b.entrySet()) {
			diff += a.get(entry.getKey()).sub(entry.getValue()).square().sum().getFloat();
			norm += entry.getValue().square().sum().getFloat();
		}
		return Math.sqrt(diff / norm);
	}

	private static Map<String, float[]> widened(Map<String, NDArray> arrays) {
		Map<String, float[]> copy = new java.util.LinkedHashMap<>();
		arrays.forEach((name, a) -> copy.put(name, a.toType(DataType.FLOAT32, false).toFloatArray()));
		return copy;
	}

}

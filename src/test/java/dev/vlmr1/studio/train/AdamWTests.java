package dev.vlmr1.studio.train;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class AdamWTests {

	static final AdamW.Settings FIXTURE = new AdamW.Settings(0.9, 0.999, 1e-8, 0.01);

	@ParameterizedTest
	@CsvSource({ "grpo_step, grads_grpo_loss.safetensors", "sft_step, grads.safetensors" })
	void oneClippedStepFromTheFixtureGradientsReproducesTheReferenceParameters(String step, String gradsFile) {
		Path dir = TrainFixtures.TINY.resolve(step);
		try (NDManager manager = NDManager.newBaseManager(); var adamW = new AdamW(manager, FIXTURE)) {
			Map<String, NDArray> params = TrainFixtures.released(manager, TrainFixtures.TINY);
			Map<String, NDArray> grads = TrainFixtures.released(manager, dir.resolve(gradsFile));
			Map<String, NDArray> expected = TrainFixtures.released(manager, dir.resolve("params_after_adamw_step.safetensors"));
			assertThat(grads.keySet()).isEqualTo(params.keySet()).isEqualTo(expected.keySet());
			// the trainer's parameters require gradients: in-place updates must still work
			params.values().forEach((p) -> p.setRequiresGradient(true));

			double norm = GradClip.clipGlobalNorm(grads.values(), 1.0);
			double expectedNorm = TrainFixtures.json(dir.resolve("metrics.json")).get("grad_norm_before_clip").asDouble();
			assertThat(norm).isCloseTo(expectedNorm, within(1e-5 * expectedNorm));
			adamW.step(params, grads, 1e-3);

			for (String name : params.keySet()) {
				assertThat(TrainFixtures.maxAbsDiff(params.get(name), expected.get(name))).as(name).isLessThanOrEqualTo(1e-6);
			}
			assertThat(adamW.stepCount()).isEqualTo(1);
		}
	}

	@Test
	void threeStepsFollowPyTorchsFormulaIncludingBiasCorrection() {
		double lr = 0.1;
		double[] g = { 0.5, -2.0, 1e-3 };
		double[] p = { 1.0, -1.0, 0.25 };
		double[] m = new double[3];
		double[] v = new double[3];
		try (NDManager manager = NDManager.newBaseManager(); var adamW = new AdamW(manager, FIXTURE)) {
			NDArray param = manager.create(new float[] { 1f, -1f, 0.25f });
			for (int t = 1; t <= 3; t++) {
				double scale = t; // a different gradient each step
				NDArray grad = manager.create(new float[] { (float) (g[0] * scale), (float) (g[1] * scale), (float) (g[2] * scale) });
				adamW.step(Map.of("w", param), Map.of("w", grad), lr);
				for (int i = 0; i < 3; i++) {
					double gi = g[i] * scale;
					p[i] *= 1 - lr * 0.01;
					m[i] = 0.9 * m[i] + 0.1 * gi;
					v[i] = 0.999 * v[i] + 0.001 * gi * gi;
					double denom = Math.sqrt(v[i]) / Math.sqrt(1 - Math.pow(0.999, t)) + 1e-8;
					p[i] -= lr / (1 - Math.pow(0.9, t)) * m[i] / denom;
				}
			}
			float[] actual = param.toFloatArray();
			for (int i = 0; i < 3; i++) {
				assertThat((double) actual[i]).isCloseTo(p[i], within(1e-6));
			}
		}
	}

	@Test
	void restoredStateContinuesExactlyAsTheOriginal() {
		try (NDManager manager = NDManager.newBaseManager(); var original = new AdamW(manager, FIXTURE);
				var resumed = new AdamW(manager, FIXTURE)) {
			NDArray a = manager.create(new float[] { 1f, 2f });
			NDArray grad = manager.create(new float[] { 0.3f, -0.7f });
			original.step(Map.of("w", a), Map.of("w", grad), 0.01);
			original.step(Map.of("w", a), Map.of("w", grad), 0.01);
			NDArray b = a.duplicate();
			resumed.restore(original.stepCount(), original.firstMoments(), original.secondMoments());
			original.step(Map.of("w", a), Map.of("w", grad), 0.01);
			resumed.step(Map.of("w", b), Map.of("w", grad), 0.01);
			assertThat(b.toFloatArray()).containsExactly(a.toFloatArray());
			assertThat(resumed.stepCount()).isEqualTo(3);
		}
	}

	@Test
	void clippingLeavesSmallGradientsAloneAndScalesLargeOnesToTheMaxNorm() {
		try (NDManager manager = NDManager.newBaseManager()) {
			NDArray small = manager.create(new float[] { 0.3f, 0.4f });
			assertThat(GradClip.clipGlobalNorm(java.util.List.of(small), 1.0)).isCloseTo(0.5, within(1e-7));
			assertThat(small.toFloatArray()).containsExactly(0.3f, 0.4f);
			NDArray x = manager.create(new float[] { 3f, 0f });
			NDArray y = manager.create(new float[] { 4f }, new Shape(1, 1));
			assertThat(GradClip.clipGlobalNorm(java.util.List.of(x, y), 1.0)).isCloseTo(5.0, within(1e-6));
			assertThat(x.toFloatArray()[0]).isCloseTo((float) (3 / (5 + 1e-6)), within(1e-7f));
			assertThat(y.toFloatArray()[0]).isCloseTo((float) (4 / (5 + 1e-6)), within(1e-7f));
			assertThatThrownBy(() -> GradClip.clipGlobalNorm(java.util.List.of(x), 0)).isInstanceOf(IllegalArgumentException.class);
		}
	}

	@Test
	void rejectsMissingGradientsAndBadSettings() {
		try (NDManager manager = NDManager.newBaseManager(); var adamW = new AdamW(manager, FIXTURE)) {
			Map<String, NDArray> params = new LinkedHashMap<>();
			params.put("w", manager.ones(new Shape(2)));
			assertThatThrownBy(() -> adamW.step(params, Map.of(), 0.1)).hasMessageContaining("gradient of w");
			assertThatThrownBy(() -> adamW.step(params, Map.of("w", manager.ones(new Shape(3))), 0.1))
				.hasMessageContaining("wrong shape");
		}
		assertThatThrownBy(() -> new AdamW.Settings(1.0, 0.999, 1e-8, 0)).isInstanceOf(IllegalArgumentException.class);
	}

}

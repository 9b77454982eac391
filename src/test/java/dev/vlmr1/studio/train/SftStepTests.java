package dev.vlmr1.studio.train;

import java.util.Map;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import dev.vlmr1.studio.model.ModelInputs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The reference SFT step of the fixtures, end to end through the model. */
class SftStepTests {

	@Test
	void theFixtureStepMatchesTransformersLossGradientsAndUpdatedParameters() {
		try (Policy policy = Policy.load(TrainFixtures.TINY); NDManager scope = policy.manager().newSubManager();
				AdamW adamW = new AdamW(scope, AdamWTests.FIXTURE)) {
			Map<String, NDArray> in = TrainFixtures.floats(scope, TrainFixtures.SFT.resolve("inputs.safetensors"));
			JsonNode metrics = TrainFixtures.json(TrainFixtures.SFT.resolve("metrics.json"));
			ModelInputs inputs = ModelInputs.of(in.get("input_ids"))
				.withImages(in.get("pixel_values"), GrpoStepTests.grid(in.get("image_grid_thw")));

			var result = SftStep.run(policy, inputs, in.get("labels"), new GrpoStep.Optimization(adamW, 1e-3, 1.0, false),
					true, scope);

			assertThat(result.loss()).isCloseTo(metrics.get("loss").asDouble(), within(1e-5 * 10));
			assertThat(result.gradNorm()).isCloseTo(metrics.get("grad_norm_before_clip").asDouble(), within(1e-3));
			Map<String, NDArray> expectedGrads = TrainFixtures.released(scope, TrainFixtures.SFT.resolve("grads.safetensors"));
			assertThat(result.grads().keySet()).containsExactlyInAnyOrderElementsOf(expectedGrads.keySet());
			expectedGrads.forEach((name, expected) -> assertThat(
					TrainFixtures.maxAbsDiff(result.grads().get(name), expected))
				.as(name)
				.isLessThanOrEqualTo(1e-4 * expected.abs().max().getFloat()));
			Map<String, NDArray> expectedParams = TrainFixtures.released(scope,
					TrainFixtures.SFT.resolve("params_after_adamw_step.safetensors"));
			int beyond = 0;
			for (var entry : expectedParams.entrySet()) {
				float[] actual = policy.parameters().get(entry.getKey()).toFloatArray();
				float[] want = entry.getValue().toFloatArray();
				for (int i = 0; i < want.length; i++) {
					float diff = Math.abs(actual[i] - want[i]);
					// never more than a few percent of one update (lr 1e-3), see GrpoStepTests on Adam's first step
					assertThat(diff).as(entry.getKey()).isLessThanOrEqualTo(1e-4f);
					beyond += diff > 1e-6 ? 1 : 0;
				}
			}
			assertThat(beyond).isLessThan(100);
		}
	}

}

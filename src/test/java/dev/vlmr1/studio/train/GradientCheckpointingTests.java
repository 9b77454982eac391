package dev.vlmr1.studio.train;

import java.util.Map;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;

import dev.vlmr1.studio.model.ModelInputs;
import dev.vlmr1.studio.model.lora.LoraConfig;
import dev.vlmr1.studio.model.lora.LoraTargets;
import dev.vlmr1.studio.model.text.LayerCheckpoints;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Gradient checkpointing of the decoder layers changes memory, not maths: the fixture's GRPO and SFT steps give the
 * gradients of every trainable parameter with checkpointing on as with it off (relative to the gradient's largest
 * element, 1e-6), for full fine-tuning and for LoRA adapters on the decoder and the vision tower with dropout, whose
 * masks the recomputed layers must draw again.
 */
class GradientCheckpointingTests {

	static final double TOLERANCE = 1e-6;

	static final LoraConfig LORA = new LoraConfig(4, 8, 0.1, LoraTargets.preset("decoder_and_vision"));

	@Test
	void grpoGradientsOfFullFineTuningAreThoseWithoutCheckpointing() {
		assertSameGradients(grpoGradients(null, false), grpoGradients(null, true));
	}

	@Test
	void grpoGradientsOfLoraAdaptersWithDropoutAreThoseWithoutCheckpointing() {
		assertSameGradients(grpoGradients(LORA, false), grpoGradients(LORA, true));
	}

	@Test
	void sftGradientsOfFullFineTuningAreThoseWithoutCheckpointing() {
		assertSameGradients(sftGradients(null, false), sftGradients(null, true));
	}

	@Test
	void sftGradientsOfLoraAdaptersWithDropoutAreThoseWithoutCheckpointing() {
		assertSameGradients(sftGradients(LORA, false), sftGradients(LORA, true));
	}

	@Test
	void aCheckpointedForwardKeepsTheLayerInputsOnly() {
		int plain = arraysAfterForward(false);
		int checkpointed = arraysAfterForward(true);
		System.out.println("arrays after the forward: " + plain + " plain, " + checkpointed + " checkpointed");
		assertThat(checkpointed).isLessThan(plain / 3);
	}

	@Test
	void aSecondSwitchWhileOneIsOnIsRefused() {
		try (Policy policy = Policy.load(TrainFixtures.TINY); LayerCheckpoints on = policy.checkpointing(true)) {
			assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> policy.checkpointing(true)))
				.isInstanceOf(IllegalStateException.class)
				.hasMessageContaining("already on");
		}
	}

	/** The gradients of the fixture's GRPO step (β = 0.04 against the fixture's reference), copied to float arrays. */
	private static Map<String, float[]> grpoGradients(LoraConfig lora, boolean checkpointing) {
		try (Policy policy = Policy.load(TrainFixtures.TINY);
				Policy ref = lora == null ? Policy.load(TrainFixtures.GRPO.resolve("ref_model")) : null;
				NDManager scope = policy.manager().newSubManager();
				AdamW adamW = new AdamW(scope, AdamWTests.FIXTURE)) {
			if (lora != null) {
				policy.model().attachLora(lora, LoraGrpoStepTests.nonZero(3));
			}
			GrpoBatch batch = GrpoStepTests.fixtureBatch(scope);
			try (var dropout = policy.training(11)) {
				var step = GrpoStep.run(policy, lora == null ? ref : policy.withoutAdapters(), null, batch,
						new GrpoLoss(LossType.GRPO, 0.04, 0.2, 0.2, 33), 1.0, new GrpoStep.Optimization(adamW, 1e-3, 1.0, false),
						checkpointing, scope);
				return floats(step.grads());
			}
		}
	}

	/** The gradients of the fixture's SFT step. */
	private static Map<String, float[]> sftGradients(LoraConfig lora, boolean checkpointing) {
		try (Policy policy = Policy.load(TrainFixtures.TINY); NDManager scope = policy.manager().newSubManager();
				AdamW adamW = new AdamW(scope, AdamWTests.FIXTURE)) {
			if (lora != null) {
				policy.model().attachLora(lora, LoraGrpoStepTests.nonZero(5));
			}
			Map<String, NDArray> in = TrainFixtures.floats(scope, TrainFixtures.SFT.resolve("inputs.safetensors"));
			ModelInputs inputs = ModelInputs.of(in.get("input_ids"))
				.withImages(in.get("pixel_values"), GrpoStepTests.grid(in.get("image_grid_thw")));
			try (var dropout = policy.training(13)) {
				var step = SftStep.run(policy, inputs, in.get("labels"), new GrpoStep.Optimization(adamW, 1e-3, 1.0, false),
						true, checkpointing, scope);
				return floats(step.grads());
			}
		}
	}

	/**
	 * Arrays alive on the batch's manager after a training forward over 32 text tokens and its loss, before backward
	 * (text only, so that the vision tower, which is not checkpointed, does not blur the count).
	 */
	private static int arraysAfterForward(boolean checkpointing) {
		try (Policy policy = Policy.load(TrainFixtures.TINY); NDManager batch = policy.manager().newSubManager()) {
			GrpoStep.prepareGradients(policy, false);
			try (var collector = batch.getEngine().newGradientCollector();
					LayerCheckpoints checkpoints = policy.checkpointing(checkpointing)) {
				NDArray ids = batch.arange(1L, 33L, 1L, ai.djl.ndarray.types.DataType.INT64).reshape(1, 32);
				NDArray loss = policy.forward(ModelInputs.of(ids)).logits().mean();
				int alive = batch.getManagedArrays().size();
				collector.backward(loss);
				checkpoints.backward();
				return alive;
			}
		}
	}

	private static Map<String, float[]> floats(Map<String, NDArray> arrays) {
		Map<String, float[]> out = new java.util.LinkedHashMap<>();
		arrays.forEach((name, a) -> out.put(name, a.toFloatArray()));
		return out;
	}

	private static void assertSameGradients(Map<String, float[]> plain, Map<String, float[]> checkpointed) {
		assertThat(checkpointed.keySet()).containsExactlyElementsOf(plain.keySet());
		double worst = 0;
		for (var entry : plain.entrySet()) {
			float[] expected = entry.getValue();
			float[] actual = checkpointed.get(entry.getKey());
			double scale = 0;
			double diff = 0;
			for (int i = 0; i < expected.length; i++) {
				scale = Math.max(scale, Math.abs(expected[i]));
				diff = Math.max(diff, Math.abs(actual[i] - expected[i]));
			}
			assertThat(scale).as(entry.getKey() + " has a gradient").isPositive();
			worst = Math.max(worst, diff / scale);
			assertThat(diff).as(entry.getKey()).isLessThanOrEqualTo(TOLERANCE * scale);
		}
		System.out.println("largest relative difference with checkpointing: " + worst);
	}

}

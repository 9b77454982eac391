package dev.vlmr1.studio.model;

import java.util.Map;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The forward is differentiable end to end: the SFT fixture's cross-entropy backpropagates through the decoder, the
 * image scatter and the vision tower, and every parameter's gradient matches transformers'.
 */
class QwenVlGradientTests {

	@Test
	void sftLossGradientsMatchTransformersForEveryParameter() {
		assertGradientsMatchTransformers(false);
	}

	/**
	 * DJL frees the Java buffer behind a {@code mul(Number)}-style scalar at once while autograd still holds it; the
	 * model uses {@link Scalars} so a collection between forward and backward cannot corrupt the gradients.
	 */
	@Test
	void gradientsSurviveGarbageCollectionBetweenForwardAndBackward() {
		assertGradientsMatchTransformers(true);
	}

	private static void assertGradientsMatchTransformers(boolean collectGarbageBeforeBackward) {
		try (QwenVlModel model = QwenVlModel.load(FixtureTensors.ROOT.resolve("qwen2_5_vl_tiny"));
				var inputs = FixtureTensors.open("qwen2_5_vl_tiny/sft_step/inputs.safetensors");
				var grads = FixtureTensors.open("qwen2_5_vl_tiny/sft_step/grads.safetensors");
				NDManager manager = model.manager().newSubManager()) {
			Map<String, NDArray> params = model.parameters().all();
			params.values().forEach((p) -> p.setRequiresGradient(true));
			long[] labels = inputs.longs("labels");
			int first = 0;
			while (labels[first] == -100) {
				first++;
			}
			int end = labels.length;
			try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
				ModelInputs batch = ModelInputs.of(inputs.array(manager, "input_ids"))
					.withImages(inputs.array(manager, "pixel_values"), inputs.matrix("image_grid_thw"));
				NDArray logits = model.forward(batch).logits(); // (1, T, V)
				// logits at t predict token t + 1
				NDArray logProbs = logits.get(new NDIndex("0, {}:{}, :", first - 1, end - 1)).logSoftmax(-1);
				NDArray targets = manager.create(java.util.Arrays.copyOfRange(labels, first, end)).expandDims(-1);
				NDArray loss = logProbs.gather(targets, -1).neg().mean();
				assertThat(loss.getFloat()).isCloseTo(9.989689826965332f, org.assertj.core.data.Offset.offset(1e-4f));
				if (collectGarbageBeforeBackward) {
					collectGarbage();
				}
				collector.backward(loss);
			}
			int compared = 0;
			for (String stored : grads.names()) {
				NDArray gradient = params.get(Weights.releasedName(stored)).getGradient();
				float[] expected = grads.floats(stored);
				float scale = 0;
				for (float v : expected) {
					scale = Math.max(scale, Math.abs(v));
				}
				assertThat(FixtureTensors.maxAbsDiff(gradient, expected)).as(stored)
					.isLessThanOrEqualTo(1e-4f * Math.max(scale, 1e-6f));
				compared++;
			}
			assertThat(compared).isEqualTo(params.size());
		}
	}

	private static void collectGarbage() {
		for (int i = 0; i < 3; i++) {
			byte[][] garbage = new byte[64][];
			for (int j = 0; j < garbage.length; j++) {
				garbage[j] = new byte[1 << 20];
			}
			System.gc();
		}
	}

}

package dev.vlmr1.studio.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class TokenLogProbsTests {

	// one row, sequence [5, 0, 2], vocabulary 3; the last 2 tokens are the completion
	static final float[] LOGITS = { 9, 9, 9, /* predicts token 1 */ 1, 2, 3, /* predicts token 2 */ 0, 0, 0,
			/* after the end, unused */ 7, 7, 7 };

	@Test
	void scoresEachCompletionTokenWithTheLogitsOfThePreviousPosition() {
		try (NDManager manager = NDManager.newBaseManager()) {
			NDArray logits = manager.create(LOGITS, new Shape(1, 4, 3)).get(":, 1:, :");
			NDArray ids = manager.create(new long[] { 5, 0, 2 }, new Shape(1, 3));
			float[] logps = TokenLogProbs.compute(logits, ids, 2, 1.0).toFloatArray();
			double z = Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3));
			assertThat(logps).containsExactly(new float[] { (float) (1 - z), (float) -Math.log(3) }, within(1e-6f));
		}
	}

	@Test
	void dividesByTheTemperatureBeforeTheSoftmax() {
		try (NDManager manager = NDManager.newBaseManager()) {
			NDArray logits = manager.create(new float[] { 1, 2, 3, 0, 0, 0 }, new Shape(1, 2, 3));
			NDArray ids = manager.create(new long[] { 9, 0 }, new Shape(1, 2));
			float logp = TokenLogProbs.compute(logits, ids, 1, 2.0).getFloat();
			double z = Math.log(Math.exp(0.5) + Math.exp(1) + Math.exp(1.5));
			assertThat(logp).isCloseTo((float) (0.5 - z), within(1e-6f));
		}
	}

	@Test
	void isDifferentiable() {
		// d log_softmax(x)[k] / dx = onehot(k) − softmax(x)
		try (NDManager manager = NDManager.newBaseManager()) {
			NDArray logits = manager.create(new float[] { 1, 2, 3 }, new Shape(1, 1, 3));
			logits.setRequiresGradient(true);
			NDArray targets = manager.create(new long[] { 0 }, new Shape(1, 1));
			try (GradientCollector collector = manager.getEngine().newGradientCollector()) {
				collector.backward(TokenLogProbs.ofCompletion(logits, targets, 1.0).sum());
			}
			double z = Math.exp(1) + Math.exp(2) + Math.exp(3);
			assertThat(logits.getGradient().toFloatArray()).containsExactly(
					new float[] { (float) (1 - Math.exp(1) / z), (float) (-Math.exp(2) / z), (float) (-Math.exp(3) / z) },
					within(1e-6f));
		}
	}

	@Test
	void rejectsMismatchedShapesAndBadTemperatures() {
		try (NDManager manager = NDManager.newBaseManager()) {
			NDArray logits = manager.zeros(new Shape(1, 3, 4));
			NDArray ids = manager.zeros(new Shape(1, 3), ai.djl.ndarray.types.DataType.INT64);
			assertThatThrownBy(() -> TokenLogProbs.compute(logits, ids.get(":, :2"), 1, 1.0))
				.hasMessageContaining("do not match");
			assertThatThrownBy(() -> TokenLogProbs.compute(logits, ids, 3, 1.0)).hasMessageContaining("completion length");
			assertThatThrownBy(() -> TokenLogProbs.compute(logits, ids, 1, 0.0)).hasMessageContaining("temperature");
		}
	}

}

package dev.vlmr1.studio.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class SftLossTests {

	@Test
	void meanCrossEntropyOverTheUnignoredNextTokens() {
		try (NDManager manager = NDManager.newBaseManager()) {
			// one row of 3 positions, V = 2; labels: prompt ignored, then tokens 1 and 0
			NDArray logits = manager.create(new float[] { 0, 1, 2, 0, 5, 5 }, new Shape(1, 3, 2));
			NDArray labels = manager.create(new long[] { -100, 1, 0 }, new Shape(1, 3));
			logits.setRequiresGradient(true);
			float loss;
			try (GradientCollector collector = manager.getEngine().newGradientCollector()) {
				NDArray l = SftLoss.compute(logits, labels);
				loss = l.getFloat();
				collector.backward(l);
			}
			// position 0 predicts 1 from (0, 1); position 1 predicts 0 from (2, 0); position 2 predicts nothing
			double ce0 = Math.log(Math.exp(0) + Math.exp(1)) - 1;
			double ce1 = Math.log(Math.exp(2) + Math.exp(0)) - 2;
			assertThat(loss).isCloseTo((float) ((ce0 + ce1) / 2), within(1e-6f));
			float[] grad = logits.getGradient().toFloatArray();
			double p1 = Math.exp(1) / (1 + Math.exp(1));
			assertThat(grad[1]).isCloseTo((float) ((p1 - 1) / 2), within(1e-6f));
			assertThat(grad[4]).isZero();
			assertThat(grad[5]).isZero();
		}
	}

	@Test
	void rejectsAllIgnoredLabelsAndMismatchedShapes() {
		try (NDManager manager = NDManager.newBaseManager()) {
			NDArray logits = manager.zeros(new Shape(1, 3, 2));
			assertThatThrownBy(() -> SftLoss.compute(logits, manager.create(new long[] { -100, -100, -100 }, new Shape(1, 3))))
				.hasMessageContaining("ignored");
			assertThatThrownBy(() -> SftLoss.compute(logits, manager.create(new long[] { 1, 1 }, new Shape(1, 2))))
				.hasMessageContaining("do not match");
		}
	}

}

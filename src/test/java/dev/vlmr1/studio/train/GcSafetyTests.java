package dev.vlmr1.studio.train;

import java.util.Map;
import java.util.function.Function;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

import dev.vlmr1.studio.Slow;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Gradients must not depend on when the JVM collects garbage: DJL backs {@code mul(Number)}-style scalars with Java
 * buffers that autograd keeps using after DJL closed them (see {@link Scalars}). Each loss is differentiated once
 * plainly and once with forced collections between forward and backward; the gradients must be identical.
 */
@Slow
class GcSafetyTests {

	@Test
	void lossGradientsSurviveAGarbageCollectionBeforeBackward() {
		try (NDManager manager = NDManager.newBaseManager()) {
			Map<String, NDArray> in = TrainFixtures.floats(manager, TrainFixtures.GRPO.resolve("inputs.safetensors"));
			NDArray mask = in.get("completion_mask");
			for (LossType type : LossType.values()) {
				var loss = new GrpoLoss(type, 0.04, 0.2, 0.28, 33);
				Function<NDArray, NDArray> f = (logps) -> loss.compute(logps, in.get("old_logps"), in.get("ref_logps"),
						in.get("advantages"), mask, new GrpoLoss.Accumulation(2, 8, 176)).loss();
				assertSameGradient(manager, in.get("policy_logps"), f, type.id());
			}
			NDArray logits = manager.randomNormal(new Shape(2, 5, 7));
			NDArray ids = manager.create(new long[] { 1, 2, 3, 4, 5, 6, 0, 1, 2, 3 }, new Shape(2, 5));
			assertSameGradient(manager, logits, (l) -> TokenLogProbs.compute(l, ids, 3, 0.7).sum(), "log-probs at T=0.7");
			NDArray labels = manager.create(new long[] { -100, -100, 3, 4, 5, -100, 6, 0, 1, 2 }, new Shape(2, 5));
			assertSameGradient(manager, logits, (l) -> SftLoss.compute(l, labels), "sft");
		}
	}

	private static void assertSameGradient(NDManager manager, NDArray input, Function<NDArray, NDArray> loss, String what) {
		float[] plain = gradient(manager, input, loss, false);
		float[] collected = gradient(manager, input, loss, true);
		assertThat(collected).as(what).containsExactly(plain);
	}

	private static float[] gradient(NDManager manager, NDArray input, Function<NDArray, NDArray> loss, boolean collect) {
		try (NDManager scope = manager.newSubManager()) {
			NDArray leaf = input.duplicate();
			leaf.attach(scope);
			leaf.setRequiresGradient(true);
			try (GradientCollector gc = scope.getEngine().newGradientCollector()) {
				NDArray value = loss.apply(leaf);
				if (collect) {
					for (int i = 0; i < 3; i++) {
						byte[][] garbage = new byte[64][];
						for (int j = 0; j < garbage.length; j++) {
							garbage[j] = new byte[1 << 20];
						}
						System.gc();
					}
				}
				gc.backward(value);
			}
			return leaf.getGradient().toFloatArray();
		}
	}

}

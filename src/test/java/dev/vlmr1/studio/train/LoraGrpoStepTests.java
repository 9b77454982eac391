package dev.vlmr1.studio.train;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;

import dev.vlmr1.studio.model.QwenVlModel;
import dev.vlmr1.studio.model.TensorSource;
import dev.vlmr1.studio.model.lora.LoraAdapter;
import dev.vlmr1.studio.model.lora.LoraAdapters;
import dev.vlmr1.studio.model.lora.LoraConfig;
import dev.vlmr1.studio.model.lora.LoraTargets;
import dev.vlmr1.studio.model.lora.Projection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * A LoRA GRPO step on the fixture batch against a reference written out by hand: the loss and reference log-probs
 * of the full model with the adapters merged in (and of the base), the adapters' gradients by the chain rule from
 * that model's weight gradients (y = x·(W + s·B·A)ᵀ gives ∂L/∂B = s·G·Aᵀ, ∂L/∂A = s·Bᵀ·G), and PyTorch's AdamW first
 * step after global-norm clipping, element by element.
 */
class LoraGrpoStepTests {

	static final LoraConfig CONFIG = new LoraConfig(4, 8, 0, LoraTargets.preset("decoder_and_vision"));

	/** Non-zero A and B: with PEFT's B = 0 every gradient of A would be zero and prove nothing. */
	static TensorSource nonZero(long seed) {
		return (name, shape) -> {
			Random random = new Random(seed ^ name.hashCode());
			float[] values = new float[Math.toIntExact(shape[0] * shape[1])];
			for (int i = 0; i < values.length; i++) {
				values[i] = (float) (random.nextGaussian() * 0.02);
			}
			return values;
		};
	}

	@Test
	void aLoraStepMatchesTheChainRuleOfTheMergedModelAndAHandWrittenAdamW() {
		try (Policy policy = Policy.load(TrainFixtures.TINY); Policy base = Policy.load(TrainFixtures.TINY);
				Policy old = Policy.load(TrainFixtures.GRPO.resolve("old_model"));
				NDManager scope = policy.manager().newSubManager();
				AdamW adamW = new AdamW(scope, AdamWTests.FIXTURE);
				AdamW fullAdamW = new AdamW(scope, AdamWTests.FIXTURE)) {
			LoraAdapters lora = policy.model().attachLora(CONFIG, nonZero(7));
			Map<String, NDArray> merged = lora.mergedWeights(policy.parameters(), scope);
			Map<String, float[]> baseBefore = snapshot(policy.parameters());
			Map<String, float[]> adaptersBefore = snapshot(lora.parameters());
			GrpoBatch batch = GrpoStepTests.fixtureBatch(scope);
			GrpoLoss loss = new GrpoLoss(LossType.GRPO, 0.04, 0.2, 0.2, 33);

			var step = GrpoStep.run(policy, policy.withoutAdapters(), old, batch, loss, 1.0,
					new GrpoStep.Optimization(adamW, 1e-3, 1.0, false), scope);

			try (Policy mergedPolicy = new Policy(QwenVlModel.load(policy.config(),
					(name, shape) -> merged.get(name).toFloatArray()))) {
				var full = GrpoStep.run(mergedPolicy, base, old, batch, loss, 1.0,
						new GrpoStep.Optimization(fullAdamW, 1e-3, Double.POSITIVE_INFINITY, false), scope);
				assertThat(step.refLogps().toFloatArray()).as("the reference is the base model")
					.containsExactly(full.refLogps().toFloatArray());
				TrainFixtures.assertClose(step.logps(), full.logps(), 1e-5, "policy logps");
				assertThat(step.losses().get("grpo")).isCloseTo(full.losses().get("grpo"), within(1e-6));

				assertThat(step.grads().keySet()).as("gradients reach the adapters only")
					.containsExactlyInAnyOrderElementsOf(lora.parameters().keySet());
				double squares = 0;
				for (Projection p : lora.targets()) {
					LoraAdapter adapter = p.adapter();
					NDArray g = full.grads().get(p.module() + ".weight"); // [out, in]
					NDArray a = scope.create(adaptersBefore.get(p.module() + LoraAdapters.A), adapter.a().getShape());
					NDArray b = scope.create(adaptersBefore.get(p.module() + LoraAdapters.B), adapter.b().getShape());
					NDArray gradB = g.matMul(a.transpose()).mul(adapter.scaling()); // [out, r]
					NDArray gradA = b.transpose().matMul(g).mul(adapter.scaling()); // [r, in]
					assertNear(step.grads().get(p.module() + LoraAdapters.B), gradB, p.module() + " B");
					assertNear(step.grads().get(p.module() + LoraAdapters.A), gradA, p.module() + " A");
					squares += gradA.square().sum().getFloat() + gradB.square().sum().getFloat();
				}
				assertThat(step.gradNorm()).isCloseTo(Math.sqrt(squares), within(1e-4 * Math.sqrt(squares)));
			}

			// PyTorch's AdamW, first step: clip by the global norm, then p·(1 − lr·wd) − lr·g/(|g| + ε)
			double clip = step.gradNorm() > 1.0 ? 1.0 / (step.gradNorm() + 1e-6) : 1.0;
			lora.parameters().forEach((name, p) -> {
				float[] before = adaptersBefore.get(name);
				float[] g = step.grads().get(name).toFloatArray();
				float[] after = p.toFloatArray();
				for (int i = 0; i < before.length; i++) {
					double gc = g[i] * clip;
					double expected = before[i] * (1 - 1e-3 * 0.01) - 1e-3 * gc / (Math.abs(gc) + 1e-8);
					assertThat((double) after[i]).as(name + "[" + i + "]").isCloseTo(expected, within(1e-6));
				}
			});
			policy.parameters().forEach((name, p) -> assertThat(p.toFloatArray()).as("frozen " + name)
				.containsExactly(baseBefore.get(name)));
		}
	}

	private static void assertNear(NDArray actual, NDArray expected, String what) {
		double scale = Math.max(expected.abs().max().getFloat(), 1e-12);
		assertThat(TrainFixtures.maxAbsDiff(actual, expected)).as(what).isLessThanOrEqualTo(1e-4 * scale);
	}

	static Map<String, float[]> snapshot(Map<String, NDArray> arrays) {
		Map<String, float[]> copy = new LinkedHashMap<>();
		arrays.forEach((name, a) -> copy.put(name, a.toFloatArray()));
		return copy;
	}

}

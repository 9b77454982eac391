package dev.vlmr1.studio.train;

import java.util.LinkedHashMap;
import java.util.Map;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;

import dev.vlmr1.studio.model.ModelInputs;
import dev.vlmr1.studio.model.text.LayerCheckpoints;

/**
 * One supervised step: mean cross-entropy over the answer tokens ({@link SftLoss}), backward, global-norm clipping
 * and AdamW — the same optimizer path as GRPO ({@link GrpoStep#applyUpdate}).
 */
public final class SftStep {

	/**
	 * @param loss the mean cross-entropy before the update
	 * @param gradNorm global gradient norm before clipping
	 * @param grads every trainable parameter's gradient before clipping, copied, by released name
	 */
	public record Result(double loss, double gradNorm, Map<String, NDArray> grads) {
	}

	private SftStep() {
	}

	/**
	 * Runs the step and updates {@code policy} in place.
	 *
	 * @param inputs prompt + answer ids with attention mask and images
	 * @param labels [B, S] int64: the input ids on answer tokens, {@value SftLoss#IGNORE} elsewhere
	 * @param keepGrads whether to copy the gradients into the result (on {@code scope})
	 */
	public static Result run(Policy policy, ModelInputs inputs, NDArray labels, GrpoStep.Optimization optimization,
			boolean keepGrads, NDManager scope) {
		return run(policy, inputs, labels, optimization, keepGrads, false, scope);
	}

	/** As {@link #run(Policy, ModelInputs, NDArray, GrpoStep.Optimization, boolean, NDManager)}, checkpointing when asked. */
	public static Result run(Policy policy, ModelInputs inputs, NDArray labels, GrpoStep.Optimization optimization,
			boolean keepGrads, boolean gradientCheckpointing, NDManager scope) {
		Map<String, NDArray> trainable = GrpoStep.prepareGradients(policy, optimization.freezeVision());
		double loss;
		try (GradientCollector collector = scope.getEngine().newGradientCollector();
				LayerCheckpoints checkpoints = policy.checkpointing(gradientCheckpointing)) {
			NDArray value = SftLoss.compute(policy.forward(inputs).logits(), labels);
			loss = value.getFloat();
			collector.backward(value);
			checkpoints.backward();
			policy.checkDevices(scope);
		}
		Map<String, NDArray> grads = new LinkedHashMap<>();
		if (keepGrads) {
			trainable.forEach((name, p) -> {
				NDArray copy = p.getGradient().duplicate();
				copy.attach(scope);
				grads.put(name, copy);
			});
		}
		double norm = GrpoStep.applyUpdate(trainable, optimization);
		return new Result(loss, norm, grads);
	}

}

package dev.vlmr1.studio.train;

import java.util.LinkedHashMap;
import java.util.Map;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import org.jspecify.annotations.Nullable;

import dev.vlmr1.studio.model.text.LayerCheckpoints;

/**
 * One GRPO optimisation step on a fixed batch (GRPO.md steps 6–9 with one micro-batch): reference and old
 * log-probs without gradient, the policy's log-probs with it, the loss, backward, global-norm clipping and AdamW.
 * The trainer runs the same pieces per micro-batch; this class is the step the fixture and {@code grpo-step}
 * check, and it keeps every intermediate.
 */
public final class GrpoStep {

	/**
	 * @param logps [B, T] policy log-probs before the update
	 * @param oldLogps [B, T] the old policy's (equal to {@code logps} without an old model)
	 * @param refLogps [B, T] the reference model's, null without one
	 * @param loss the loss of the chosen type with its per-token parts and clip metrics
	 * @param losses every aggregation of the same per-token loss, by {@link LossType#id()}
	 * @param gradNorm global gradient norm before clipping
	 * @param grads every trainable parameter's gradient before clipping, copied, by released name
	 */
	public record Result(NDArray logps, NDArray oldLogps, @Nullable NDArray refLogps, GrpoLoss.Result loss,
			Map<String, Double> losses, double gradNorm, Map<String, NDArray> grads) {
	}

	/** The optimisation settings of the step. */
	public record Optimization(AdamW adamW, double learningRate, double maxGradNorm, boolean freezeVision) {
	}

	private GrpoStep() {
	}

	/**
	 * Runs the step and updates {@code policy}'s parameters in place. Every array of the result lives on
	 * {@code scope}, which the caller closes.
	 *
	 * @param ref the frozen reference model (needed when β &gt; 0), or null
	 * @param old the policy that sampled the completions, or null when it is {@code policy} itself (μ = 1)
	 */
	public static Result run(Policy policy, @Nullable Policy ref, @Nullable Policy old, GrpoBatch batch, GrpoLoss loss,
			double temperature, Optimization optimization, NDManager scope) {
		return run(policy, ref, old, batch, loss, temperature, optimization, false, scope);
	}

	/**
	 * As {@link #run(Policy, Policy, Policy, GrpoBatch, GrpoLoss, double, Optimization, NDManager)}, with the policy's
	 * decoder layers recomputed in backward when {@code gradientCheckpointing}.
	 */
	public static Result run(Policy policy, @Nullable Policy ref, @Nullable Policy old, GrpoBatch batch, GrpoLoss loss,
			double temperature, Optimization optimization, boolean gradientCheckpointing, NDManager scope) {
		int completion = batch.completionLength();
		NDArray refLogps = null;
		NDArray oldLogps = null;
		try (var off = GradMode.disabled()) {
			if (ref != null) {
				refLogps = TokenLogProbs.of(ref, batch.modelInputs(), completion, temperature);
			}
			if (old != null) {
				oldLogps = TokenLogProbs.of(old, batch.modelInputs(), completion, temperature);
			}
		}
		Map<String, NDArray> trainable = prepareGradients(policy, optimization.freezeVision());
		NDArray logps;
		GrpoLoss.Result result;
		try (GradientCollector collector = scope.getEngine().newGradientCollector();
				LayerCheckpoints checkpoints = policy.checkpointing(gradientCheckpointing)) {
			logps = TokenLogProbs.of(policy, batch.modelInputs(), completion, temperature);
			NDArray oldOrSelf = oldLogps != null ? oldLogps : logps.stopGradient();
			result = loss.compute(logps, oldOrSelf, refLogps, batch.advantages(), batch.completionMask(),
					GrpoLoss.Accumulation.single(batch.completionMask()));
			collector.backward(result.loss());
			checkpoints.backward();
			policy.checkDevices(scope);
		}
		NDArray detached = logps.stopGradient();
		NDArray oldFinal = oldLogps != null ? oldLogps : detached;
		Map<String, Double> losses = new LinkedHashMap<>();
		for (LossType type : LossType.values()) {
			var variant = new GrpoLoss(type, loss.beta(), loss.epsilonLow(), loss.epsilonHigh(), loss.maxCompletionLength());
			losses.put(type.id(), (double) variant.compute(detached, oldFinal, refLogps, batch.advantages(),
					batch.completionMask(), GrpoLoss.Accumulation.single(batch.completionMask())).loss().getFloat());
		}
		Map<String, NDArray> grads = new LinkedHashMap<>();
		trainable.forEach((name, p) -> {
			NDArray copy = p.getGradient().duplicate();
			copy.attach(scope);
			grads.put(name, copy);
		});
		double norm = applyUpdate(trainable, optimization);
		return new Result(detached, oldFinal, refLogps, result, losses, norm, grads);
	}

	/**
	 * Marks the trainable parameters as requiring gradients and the frozen ones as not, and zeroes any gradient
	 * left from an earlier step.
	 */
	static Map<String, NDArray> prepareGradients(Policy policy, boolean freezeVision) {
		Map<String, NDArray> trainable = policy.trainable(freezeVision);
		policy.allParameters().forEach((name, p) -> p.setRequiresGradient(trainable.containsKey(name)));
		return trainable;
	}

	/** Clips the accumulated gradients, takes the AdamW step, zeroes the gradients; returns the pre-clip norm. */
	static double applyUpdate(Map<String, NDArray> trainable, Optimization optimization) {
		Map<String, NDArray> grads = new LinkedHashMap<>();
		trainable.forEach((name, p) -> grads.put(name, p.getGradient()));
		double norm = GradClip.clipGlobalNorm(grads.values(), optimization.maxGradNorm());
		optimization.adamW().step(trainable, grads, optimization.learningRate());
		try (var off = GradMode.disabled()) {
			grads.values().forEach((g) -> g.subi(g));
		}
		return norm;
	}

}

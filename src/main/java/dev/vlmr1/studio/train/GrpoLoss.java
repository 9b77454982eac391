package dev.vlmr1.studio.train;

import ai.djl.ndarray.NDArray;

import org.jspecify.annotations.Nullable;

/**
 * The clipped GRPO surrogate with a k3 KL penalty (GRPO.md steps 7–8; TRL's {@code GRPOTrainer._compute_loss}).
 *
 * <p>Per token: ratio = exp(logp − old), L = −min(ratio·A, clip(ratio, 1 − ε_low, 1 + ε_high)·A) + β·KL with
 * KL = exp(ref − logp) − (ref − logp) − 1. The loss is differentiable in {@code logps}; the other inputs are
 * constants. Its scale is chosen so that summing the gradients of every micro-batch of one optimiser step gives the
 * gradient of the loss over the whole accumulated batch.
 *
 * @param maxCompletionLength the {@code dr_grpo} divisor's length
 */
public record GrpoLoss(LossType type, double beta, double epsilonLow, double epsilonHigh, int maxCompletionLength) {

	public GrpoLoss {
		if (beta < 0 || epsilonLow < 0 || epsilonHigh < 0 || epsilonLow >= 1) {
			throw new IllegalArgumentException(
					"need β ≥ 0 and 0 ≤ ε_low < 1, ε_high ≥ 0; got β=" + beta + " ε=" + epsilonLow + "/" + epsilonHigh);
		}
		if (maxCompletionLength <= 0) {
			throw new IllegalArgumentException("max completion length must be positive");
		}
	}

	/**
	 * How this micro-batch relates to its optimiser step (micro-batches may differ in size when
	 * {@code skip_zero_variance_groups} drops rows).
	 *
	 * @param microBatches micro-batches accumulated into one step ({@code bnpo} divides each by this)
	 * @param stepSequences completions over all of them ({@code grpo} and {@code dr_grpo} divide by this)
	 * @param stepTokens unmasked completion tokens over all of them ({@code dapo}'s divisor)
	 */
	public record Accumulation(int microBatches, int stepSequences, double stepTokens) {

		public Accumulation {
			if (microBatches < 1 || stepSequences < 1) {
				throw new IllegalArgumentException("at least one micro-batch and one sequence");
			}
		}

		/** One micro-batch per step. */
		public static Accumulation single(NDArray mask) {
			return new Accumulation(1, (int) mask.getShape().get(0), mask.sum().getFloat());
		}

	}

	/**
	 * @param loss scalar, differentiable in {@code logps}
	 * @param perTokenLoss [B, T] before masking
	 * @param ratio [B, T] exp(logp − old)
	 * @param kl [B, T] k3 estimate, null when β = 0 or no reference log-probs were given
	 * @param klMean token mean of the KL over unmasked tokens (NaN without KL)
	 * @param clipLow fraction of unmasked tokens with ratio &lt; 1 − ε_low and A &lt; 0 (TRL
	 * {@code clip_ratio/low_mean})
	 * @param clipHigh fraction with ratio &gt; 1 + ε_high and A &gt; 0
	 * @param clipRegion fraction in either ({@code clip_ratio/region_mean})
	 */
	public record Result(NDArray loss, NDArray perTokenLoss, NDArray ratio, @Nullable NDArray kl, double klMean,
			double clipLow, double clipHigh, double clipRegion) {
	}

	/**
	 * @param logps [B, T] current policy log-probs (with gradient)
	 * @param oldLogps [B, T] log-probs at rollout time (equal to {@code logps} detached when num_iterations = 1)
	 * @param refLogps [B, T] reference model log-probs, or null when β = 0
	 * @param advantages [B] one per completion
	 * @param mask [B, T] completion mask, float
	 */
	public Result compute(NDArray logps, NDArray oldLogps, @Nullable NDArray refLogps, NDArray advantages,
			NDArray mask, Accumulation accumulation) {
		if (!logps.getShape().equals(oldLogps.getShape()) || !logps.getShape().equals(mask.getShape())
				|| (refLogps != null && !logps.getShape().equals(refLogps.getShape()))) {
			throw new IllegalArgumentException("log-probs " + logps.getShape() + ", old " + oldLogps.getShape()
					+ " and mask " + mask.getShape() + " must have one shape");
		}
		long batch = logps.getShape().get(0);
		if (advantages.getShape().dimension() != 1 || advantages.getShape().get(0) != batch) {
			throw new IllegalArgumentException("advantages " + advantages.getShape() + " must be [" + batch + "]");
		}
		if (beta > 0 && refLogps == null) {
			throw new IllegalArgumentException("β > 0 needs reference log-probs");
		}
		NDArray adv = advantages.expandDims(1); // [B, 1]
		NDArray ratio = logps.sub(oldLogps).exp(); // [B, T]
		NDArray clipped = ratio.clip((float) (1 - epsilonLow), (float) (1 + epsilonHigh));
		NDArray perTokenLoss = ratio.mul(adv).minimum(clipped.mul(adv)).neg();
		NDArray kl = null;
		if (beta > 0) {
			NDArray delta = refLogps.sub(logps);
			kl = delta.exp().sub(delta).sub(1);
			perTokenLoss = perTokenLoss.add(kl.mul(Scalars.of(kl, beta)));
		}
		NDArray loss = aggregate(perTokenLoss.mul(mask), mask, accumulation);

		// metrics on detached values: booleans and sums, no gradient
		double tokens = Math.max(1, mask.sum().getFloat());
		NDArray r = ratio.stopGradient();
		NDArray low = r.lt(1 - epsilonLow).logicalAnd(adv.lt(0).broadcast(r.getShape()));
		NDArray high = r.gt(1 + epsilonHigh).logicalAnd(adv.gt(0).broadcast(r.getShape()));
		double clipLow = maskedSum(low, mask) / tokens;
		double clipHigh = maskedSum(high, mask) / tokens;
		double clipRegion = maskedSum(low.logicalOr(high), mask) / tokens;
		double klMean = kl == null ? Double.NaN : kl.stopGradient().mul(mask).sum().getFloat() / tokens;
		return new Result(loss, perTokenLoss, ratio, kl, klMean, clipLow, clipHigh, clipRegion);
	}

	// scalars as float32 arrays from Scalars: a double would promote the 0-dim result to float64, and a Number
	// operand's memory does not survive a GC before backward
	private NDArray aggregate(NDArray maskedLoss, NDArray mask, Accumulation accumulation) {
		float micro = accumulation.microBatches();
		float sequences = accumulation.stepSequences();
		return switch (type) {
			// clamp ≥ 1: a row masked out entirely (truncated) contributes 0 instead of 0/0
			case GRPO -> maskedLoss.sum(new int[] { 1 })
				.div(mask.sum(new int[] { 1 }).maximum(1f))
				.sum()
				.div(Scalars.of(maskedLoss, sequences));
			case BNPO -> maskedLoss.sum().div(Scalars.of(maskedLoss, Math.max(1f, mask.sum().getFloat()) * micro));
			case DR_GRPO -> maskedLoss.sum().div(Scalars.of(maskedLoss, sequences * maxCompletionLength));
			case DAPO -> maskedLoss.sum().div(Scalars.of(maskedLoss, Math.max(1.0, accumulation.stepTokens())));
		};
	}

	private static double maskedSum(NDArray flags, NDArray mask) {
		return flags.toType(mask.getDataType(), false).mul(mask).sum().getFloat();
	}

}

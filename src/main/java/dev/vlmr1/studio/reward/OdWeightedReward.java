package dev.vlmr1.studio.reward;

import java.util.function.UnaryOperator;

/**
 * {@code od_weighted}, VLM-R1's {@code weighted_sum} method ({@code detection_score}): both sides cleaned (last
 * answer, lower-cased); "none" against "none" is 1; otherwise the first ```json list of each, greedy matching by
 * highest VLM-R1 IoU stopping below {@code min_iou}, a label mismatch keeps the pair at IoU 0; position = ΣIoU /
 * N_gt, completeness = 1 − (miss rate + false alarm rate) / 2, score = w·position + (1 − w)·completeness. No
 * readable prediction scores 0. Deviation: a matched prediction without a label is a label mismatch (VLM-R1 raised).
 */
public final class OdWeightedReward implements RewardFunction {

	private final boolean rescale;

	private final double minIou;

	private final double positionWeight;

	public OdWeightedReward(RewardParams params) {
		this.rescale = params.bool("rescale");
		this.minIou = params.number("min_iou");
		this.positionWeight = params.number("position_weight");
	}

	@Override
	public String name() {
		return "od_weighted";
	}

	@Override
	public RewardResult evaluate(Completion completion, RewardSample sample) {
		UnaryOperator<Box> frame = rescale ? sample.firstImage()::toOriginal : UnaryOperator.identity();
		double score = Vlmr1Ovd.weightedSum(completion.text(), Vlmr1Text.wrappedSolution(sample.solution()), minIou,
				positionWeight, frame);
		String answer = Vlmr1Text.clean(completion.text());
		return RewardResult.of(score, RewardParse.answer(answer));
	}

}

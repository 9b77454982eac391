package dev.vlmr1.studio.reward;

import java.util.Optional;

/**
 * {@code iou} and {@code iou_threshold} (REC). VLM-R1's protocol: the first {@code <answer>}, the first {@code
 * [int, int, int, int]} in it, rescaled from the model's input frame to the original image, against the solution's
 * box. No box found scores 0; an unreadable ground truth throws.
 */
public final class IouReward implements RewardFunction {

	private final String name;

	private final boolean vlmr1;

	private final boolean rescale;

	/** IoU above which the score is 1; NaN for the continuous {@code iou}. */
	private final double threshold;

	private IouReward(String name, boolean vlmr1, boolean rescale, double threshold) {
		this.name = name;
		this.vlmr1 = vlmr1;
		this.rescale = rescale;
		this.threshold = threshold;
	}

	/** Continuous {@code iou}. */
	public static IouReward continuous(RewardParams params) {
		return new IouReward("iou", params.string("variant").equals("vlmr1"), params.bool("rescale"), Double.NaN);
	}

	/** {@code iou_threshold}: 1 if IoU > threshold. */
	public static IouReward thresholded(RewardParams params) {
		return new IouReward("iou_threshold", params.string("variant").equals("vlmr1"), params.bool("rescale"),
				params.number("threshold"));
	}

	@Override
	public String name() {
		return name;
	}

	@Override
	public RewardResult evaluate(Completion completion, RewardSample sample) {
		Box truth = BoxParser.groundTruth(sample.solution());
		Optional<String> answer = Answers.first(completion.text());
		RewardParse parse = RewardParse.answer(answer.map(String::strip).orElse(null));
		Optional<Box> predicted = answer.flatMap(BoxParser::firstIntBox);
		if (predicted.isEmpty()) {
			String why = answer.isEmpty() ? "no <answer> block" : "no [int, int, int, int] in the first answer";
			return RewardResult.of(0, parse.withBoxes(null, null, truth).withNote(why));
		}
		Box scaled = rescale ? sample.firstImage().toOriginal(predicted.get()) : predicted.get();
		double iou = vlmr1 ? Iou.vlmr1(scaled, truth) : Iou.standard(scaled, truth);
		parse = parse.withBoxes(predicted.get(), scaled, truth).withIou(iou);
		if (Double.isNaN(threshold)) {
			return RewardResult.of(iou, parse);
		}
		return RewardResult.of(iou > threshold ? 1 : 0, parse.withNote("IoU > " + threshold + ": " + (iou > threshold)));
	}

}

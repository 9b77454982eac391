package dev.vlmr1.studio.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.vlmr1.studio.reward.Box;
import dev.vlmr1.studio.reward.BoxParser;
import dev.vlmr1.studio.reward.Iou;
import dev.vlmr1.studio.reward.RewardSample;

/**
 * REC accuracy@IoU>0.5 with VLM-R1's protocol: the first {@code [int, int, int, int]} of the first answer,
 * rescaled from the model's input frame ({@code image_grid_thw}·14) to the original image, counts as correct when
 * its IoU with the ground truth is strictly greater than 0.5. IoU is VLM-R1's inclusive-pixel variant by default,
 * as in its evaluation script.
 */
public final class RecAccuracy {

	private final double threshold;

	private final boolean rescale;

	private final boolean vlmr1Iou;

	/**
	 * @param threshold IoU a prediction must exceed (VLM-R1: 0.5)
	 * @param rescale map predictions to the original image (VLM-R1: yes)
	 * @param vlmr1Iou use VLM-R1's IoU rather than the standard one
	 */
	public RecAccuracy(double threshold, boolean rescale, boolean vlmr1Iou) {
		this.threshold = threshold;
		this.rescale = rescale;
		this.vlmr1Iou = vlmr1Iou;
	}

	/** VLM-R1's protocol: > 0.5, rescaled, VLM-R1 IoU. */
	public static RecAccuracy vlmr1() {
		return new RecAccuracy(0.5, true, true);
	}

	/**
	 * Evaluates completion i against sample i.
	 * @throws IllegalArgumentException when the lists differ in length, a ground truth is unreadable, or rescaling
	 * lacks an image's size or grid
	 */
	public RecReport evaluate(List<String> completions, List<RewardSample> samples) {
		if (completions.size() != samples.size()) {
			throw new IllegalArgumentException(completions.size() + " completions for " + samples.size() + " samples");
		}
		List<RecSampleResult> results = new ArrayList<>(samples.size());
		int correct = 0;
		double iouSum = 0;
		for (int i = 0; i < samples.size(); i++) {
			RecSampleResult r = evaluateOne(i, completions.get(i), samples.get(i));
			correct += r.correct() ? 1 : 0;
			iouSum += r.iou();
			results.add(r);
		}
		int n = samples.size();
		return new RecReport((n == 0) ? 0 : (double) correct / n, correct, n, (n == 0) ? 0 : iouSum / n, results);
	}

	RecSampleResult evaluateOne(int index, String completion, RewardSample sample) {
		Box truth = BoxParser.groundTruth(sample.solution());
		Optional<Box> predicted = BoxParser.recPrediction(completion);
		if (predicted.isEmpty()) {
			return new RecSampleResult(index, null, null, truth, 0, false);
		}
		Box prediction = rescale ? sample.firstImage().toOriginal(predicted.get()) : predicted.get();
		double iou = vlmr1Iou ? Iou.vlmr1(prediction, truth) : Iou.standard(prediction, truth);
		return new RecSampleResult(index, predicted.get(), prediction, truth, iou, iou > threshold);
	}

}

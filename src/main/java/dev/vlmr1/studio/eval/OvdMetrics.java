package dev.vlmr1.studio.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.vlmr1.studio.reward.Answers;
import dev.vlmr1.studio.reward.CocoAp;
import dev.vlmr1.studio.reward.Detection;
import dev.vlmr1.studio.reward.DetectionList;
import dev.vlmr1.studio.reward.DetectionParser;
import dev.vlmr1.studio.reward.RewardSample;
import dev.vlmr1.studio.reward.SampleImage;
import org.jspecify.annotations.Nullable;

/**
 * OVD evaluation over a dataset: COCO mAP (AP@[.5:.95]) and AP50 over all images (predictions scored 1.0, ranked
 * in image then answer order), plus greedy precision and recall at IoU 0.5. Each completion's last answer is read
 * as the OVD rewards read it; an unreadable answer predicts nothing.
 */
public final class OvdMetrics {

	private static final double MATCH_IOU = 0.5;

	private final boolean rescale;

	/** @param rescale map predictions from the model's input frame to the original image (VLM-R1: no) */
	public OvdMetrics(boolean rescale) {
		this.rescale = rescale;
	}

	/**
	 * Evaluates completion i against sample i.
	 * @throws IllegalArgumentException when the lists differ in length or a ground truth is unreadable
	 */
	public OvdReport evaluate(List<String> completions, List<RewardSample> samples) {
		if (completions.size() != samples.size()) {
			throw new IllegalArgumentException(completions.size() + " completions for " + samples.size() + " samples");
		}
		List<CocoAp.Image> images = new ArrayList<>();
		List<OvdSampleResult> results = new ArrayList<>();
		int tp = 0;
		int predicted = 0;
		int truths = 0;
		for (int i = 0; i < samples.size(); i++) {
			RewardSample sample = samples.get(i);
			DetectionList truth = DetectionParser.groundTruth(sample.solution());
			Optional<String> answer = Answers.last(completions.get(i));
			@Nullable DetectionList pred = answer.map(DetectionParser::parse).orElse(null);
			var detections = (pred == null) ? List.<Detection>of() : pred.detections();
			if (rescale && !detections.isEmpty()) {
				SampleImage image = sample.firstImage();
				detections = detections.stream().map((d) -> d.toOriginal(image)).toList();
			}
			int hits = GreedyMatcher.truePositives(truth.detections(), detections, MATCH_IOU);
			tp += hits;
			predicted += detections.size();
			truths += truth.detections().size();
			images.add(new CocoAp.Image(truth.detections(), detections));
			String problem = (pred == null) ? "no <answer> block"
					: (pred.problems().isEmpty() ? null : String.join("; ", pred.problems()));
			results.add(new OvdSampleResult(i, detections, truth.detections(), hits, problem));
		}
		CocoAp.Result ap = CocoAp.evaluate(images);
		double precision = (predicted == 0) ? 1 : (double) tp / predicted;
		double recall = (truths == 0) ? 1 : (double) tp / truths;
		return new OvdReport(ap.ap(), ap.ap50(), precision, recall, ap.perCategory(), results);
	}

}

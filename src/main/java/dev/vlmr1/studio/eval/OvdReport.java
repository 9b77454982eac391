package dev.vlmr1.studio.eval;

import java.util.List;
import java.util.Map;

/**
 * OVD metrics over a dataset.
 *
 * @param map COCO AP@[.5:.95] over all images and ground-truth categories
 * @param ap50 COCO AP@.5
 * @param precision greedy true positives / predictions at IoU 0.5 (1 when nothing was predicted)
 * @param recall greedy true positives / ground truths at IoU 0.5 (1 when there is no ground truth)
 * @param perCategory AP@[.5:.95] per lower-cased category
 * @param samples per-sample results in input order
 */
public record OvdReport(double map, double ap50, double precision, double recall, Map<String, Double> perCategory,
		List<OvdSampleResult> samples) {

	public OvdReport {
		perCategory = Map.copyOf(perCategory);
		samples = List.copyOf(samples);
	}

}

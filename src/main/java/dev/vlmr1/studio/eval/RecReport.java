package dev.vlmr1.studio.eval;

import java.util.List;

/**
 * REC accuracy over a dataset.
 *
 * @param accuracy correct / total (0 for an empty dataset)
 * @param correct samples with IoU above the threshold
 * @param total samples evaluated
 * @param meanIou mean IoU over all samples (0 for those without a box)
 * @param samples per-sample results in input order
 */
public record RecReport(double accuracy, int correct, int total, double meanIou, List<RecSampleResult> samples) {

	public RecReport {
		samples = List.copyOf(samples);
	}

}

package dev.vlmr1.studio.eval;

import java.util.List;

import dev.vlmr1.studio.reward.Detection;
import org.jspecify.annotations.Nullable;

/**
 * One OVD sample's evaluation.
 *
 * @param index position of the sample in the evaluated list
 * @param predictions the parsed detections (in the frame they were scored in)
 * @param groundTruth the solution's detections
 * @param truePositives predictions greedily matched to a ground truth of the same label at IoU ≥ 0.5
 * @param problem why (part of) the answer could not be read, or null
 */
public record OvdSampleResult(int index, List<Detection> predictions, List<Detection> groundTruth, int truePositives,
		@Nullable String problem) {

	public OvdSampleResult {
		predictions = List.copyOf(predictions);
		groundTruth = List.copyOf(groundTruth);
	}

}

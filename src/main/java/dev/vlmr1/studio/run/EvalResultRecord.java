package dev.vlmr1.studio.run;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * One evaluated sample as a worker reports it ({@link RunManagement#recordEvalResults}); its index in the
 * evaluation is its position in the reported list.
 *
 * @param sampleId the sample's key (or {@code <dataset>:<row>})
 * @param taskType the sample's task ({@code rec}, {@code ovd}, …)
 * @param prediction the decoded completion
 * @param image sha256 of the sample's first image in the artifact store, or null
 * @param predictedBoxes boxes read from the completion, in original-image pixels
 * @param truthBoxes the ground truth's boxes, in original-image pixels
 * @param iou REC: IoU of prediction and ground truth (0 without a prediction); null for other tasks
 * @param correct REC: IoU above the threshold; OVD: every ground truth matched and nothing else predicted
 */
public record EvalResultRecord(String sampleId, String taskType, String prediction, @Nullable String image,
		List<RolloutBox> predictedBoxes,
		List<RolloutBox> truthBoxes, @Nullable Double iou, boolean correct) {

	public EvalResultRecord {
		predictedBoxes = List.copyOf(predictedBoxes);
		truthBoxes = List.copyOf(truthBoxes);
	}

}

package dev.vlmr1.studio.eval;

import dev.vlmr1.studio.reward.Box;
import org.jspecify.annotations.Nullable;

/**
 * One REC sample's evaluation, kept so the UI can draw both boxes.
 *
 * @param index position of the sample in the evaluated list
 * @param predicted the box as the model wrote it (input frame), or null when none was found
 * @param prediction the box in the original image's frame, or null
 * @param groundTruth the solution's box (original frame)
 * @param iou IoU of prediction and ground truth (0 without a prediction)
 * @param correct IoU strictly greater than the threshold
 */
public record RecSampleResult(int index, @Nullable Box predicted, @Nullable Box prediction, Box groundTruth,
		double iou, boolean correct) {
}

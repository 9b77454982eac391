package dev.vlmr1.studio.reward;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * What a reward function read from a completion, for the dry run and the rollout gallery. A plain record of JSON
 * values, so the web layer serialises it as is; fields a function does not use stay null.
 *
 * @param answer the extracted answer text (trimmed), or null when there was none
 * @param box the predicted box as written, in the model's input frame
 * @param rescaledBox the predicted box in the original image's frame
 * @param groundTruthBox the solution's box
 * @param iou the IoU of the rescaled box with the ground truth
 * @param detections the parsed OVD prediction (in the frame it was scored in)
 * @param groundTruthDetections the solution's detections
 * @param note a short explanation: the normalised strings compared, the routed function, …
 */
public record RewardParse(@Nullable String answer, @Nullable Box box, @Nullable Box rescaledBox,
		@Nullable Box groundTruthBox, @Nullable Double iou, @Nullable List<Detection> detections,
		@Nullable List<Detection> groundTruthDetections, @Nullable String note) {

	public static final RewardParse EMPTY = new RewardParse(null, null, null, null, null, null, null, null);

	public static RewardParse answer(@Nullable String answer) {
		return EMPTY.withAnswer(answer);
	}

	public RewardParse withAnswer(@Nullable String value) {
		return new RewardParse(value, box, rescaledBox, groundTruthBox, iou, detections, groundTruthDetections, note);
	}

	public RewardParse withBoxes(@Nullable Box predicted, @Nullable Box rescaled, @Nullable Box groundTruth) {
		return new RewardParse(answer, predicted, rescaled, groundTruth, iou, detections, groundTruthDetections, note);
	}

	public RewardParse withIou(@Nullable Double value) {
		return new RewardParse(answer, box, rescaledBox, groundTruthBox, value, detections, groundTruthDetections,
				note);
	}

	public RewardParse withDetections(@Nullable List<Detection> predicted, @Nullable List<Detection> groundTruth) {
		return new RewardParse(answer, box, rescaledBox, groundTruthBox, iou, predicted, groundTruth, note);
	}

	public RewardParse withNote(@Nullable String value) {
		return new RewardParse(answer, box, rescaledBox, groundTruthBox, iou, detections, groundTruthDetections,
				value);
	}

}

package dev.vlmr1.studio.reward;

import java.util.Optional;

import org.jspecify.annotations.Nullable;

/**
 * The parsed prediction and ground truth of an OVD completion, shared by the od_* rewards: the last answer,
 * optionally rescaled from the model's input frame to the original image (VLM-R1 did not rescale OVD).
 *
 * @param answer the last answer's text, trimmed, or null when there was none
 * @param predicted the parsed prediction (empty and unreadable when there was no answer)
 * @param truth the solution's detections
 */
record OvdAnswer(@Nullable String answer, DetectionList predicted, DetectionList truth) {

	static OvdAnswer read(Completion completion, RewardSample sample, boolean rescale) {
		DetectionList truth = DetectionParser.groundTruth(sample.solution());
		Optional<String> answer = Answers.last(completion.text());
		if (answer.isEmpty()) {
			return new OvdAnswer(null, DetectionList.unreadable("no <answer> block"), truth);
		}
		DetectionList predicted = DetectionParser.parse(answer.get());
		if (rescale && !predicted.detections().isEmpty()) {
			predicted = predicted.toOriginal(sample.firstImage());
		}
		return new OvdAnswer(answer.get().strip(), predicted, truth);
	}

	/** Neither side detected anything: the prediction is {@code None} or [] and so is the ground truth. */
	boolean bothEmpty() {
		return truth.isEmpty() && predicted.isEmpty() && predicted.problems().isEmpty();
	}

	RewardParse parse() {
		String note = predicted.problems().isEmpty() ? null : String.join("; ", predicted.problems());
		return RewardParse.answer(answer).withDetections(predicted.detections(), truth.detections()).withNote(note);
	}

}

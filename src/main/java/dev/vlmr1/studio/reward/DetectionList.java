package dev.vlmr1.studio.reward;

import java.util.List;

/**
 * A parsed OVD answer.
 *
 * @param none the answer was the literal {@code None} (nothing detected)
 * @param detections the well-formed entries, in answer order
 * @param items how many entries the JSON list had, well-formed or not (VLM-R1's N_pred)
 * @param problems why entries were dropped or the answer was unreadable, for the dry run
 */
public record DetectionList(boolean none, List<Detection> detections, int items, List<String> problems) {

	public DetectionList {
		detections = List.copyOf(detections);
		problems = List.copyOf(problems);
	}

	static DetectionList ofNone() {
		return new DetectionList(true, List.of(), 0, List.of());
	}

	static DetectionList unreadable(String problem) {
		return new DetectionList(false, List.of(), 0, List.of(problem));
	}

	/** Parsed as {@code None} or as a JSON list whose entries are all well-formed. */
	public boolean wellFormed() {
		return none || (problems.isEmpty());
	}

	/** No detections: {@code None}, an empty list or an unreadable answer. */
	public boolean isEmpty() {
		return items == 0;
	}

	/** The same list with every box mapped from the model's input frame to the original image. */
	public DetectionList toOriginal(SampleImage image) {
		return new DetectionList(none, detections.stream().map((d) -> d.toOriginal(image)).toList(), items, problems);
	}

}

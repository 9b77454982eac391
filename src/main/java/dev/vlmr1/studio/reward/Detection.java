package dev.vlmr1.studio.reward;

/**
 * One entry of an OVD answer: {@code {"bbox_2d": [x1, y1, x2, y2], "label": "..."}}.
 *
 * @param label object name as written (compare case-insensitively)
 * @param box the box, in whatever frame the answer used
 */
public record Detection(String label, Box box) {

	/** The same detection with its box mapped from the model's input frame to the original image. */
	public Detection toOriginal(SampleImage image) {
		return new Detection(label, image.toOriginal(box));
	}

}

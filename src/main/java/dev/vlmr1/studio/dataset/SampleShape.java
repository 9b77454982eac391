package dev.vlmr1.studio.dataset;

import java.util.List;

/**
 * A stored sample's text and image sizes, without its pixels: what a check of a run's length limits reads.
 *
 * @param imageSizes {width, height} of each image, in marker order
 */
public record SampleShape(String question, String solution, String taskType, List<int[]> imageSizes) {

	public SampleShape {
		imageSizes = List.copyOf(imageSizes);
	}

}

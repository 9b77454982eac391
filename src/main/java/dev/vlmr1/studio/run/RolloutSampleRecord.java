package dev.vlmr1.studio.run;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One rollout of a step as a worker reports it for the gallery ({@link RunManagement#recordRollouts}); its index
 * in the step is its position in the reported list.
 *
 * @param prompt the question with its template sentence
 * @param images the prompt's images: sha256 of dataset images ({@code images} table), or paths in the artifact
 * store (relative, or absolute under it)
 * @param completion the decoded completion text
 * @param rewards each reward function's score
 * @param reward the weighted total
 * @param advantage the completion's group-normalised advantage
 * @param predictedBoxes boxes parsed from the completion, in original-image pixels
 * @param truthBoxes the sample's ground-truth boxes, in original-image pixels
 */
public record RolloutSampleRecord(String prompt, List<String> images, String completion, Map<String, Double> rewards,
		double reward, double advantage, List<RolloutBox> predictedBoxes, List<RolloutBox> truthBoxes) {

	public RolloutSampleRecord {
		images = List.copyOf(images);
		// keep the reward functions' order (the configuration's), the gallery shows them in it
		rewards = Collections.unmodifiableMap(new LinkedHashMap<>(rewards));
		predictedBoxes = List.copyOf(predictedBoxes);
		truthBoxes = List.copyOf(truthBoxes);
	}

}

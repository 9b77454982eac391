package dev.vlmr1.studio.train;

import java.util.List;
import java.util.Map;

/**
 * One completion of a step, kept for the rollout gallery.
 *
 * @param step optimiser step (1-based, as TRL's {@code global_step} after the update)
 * @param sampleId the prompt's {@link TrainingSample#id()}
 * @param prompt the question with its template sentence
 * @param images the prompt's image files, as strings
 * @param completion decoded completion text
 * @param rewards each reward function's score
 * @param reward the weighted total
 * @param advantage the completion's advantage
 */
public record RolloutRecord(long step, String sampleId, String prompt, List<String> images, String completion,
		Map<String, Double> rewards, double reward, double advantage) {
}

package dev.vlmr1.studio.run;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A stored rollout of a step (live, i.e. not archived), as the API and the gallery read it.
 *
 * @param idx its position in the step's sample
 * @param attempt the attempt that recorded it
 * @param images the image refs as stored (sha256 or artifact-relative paths)
 * @see RolloutSampleRecord
 */
public record RolloutSample(int step, int idx, int attempt, String prompt, List<String> images, String completion,
		Map<String, Double> rewards, double reward, double advantage, List<RolloutBox> predictedBoxes,
		List<RolloutBox> truthBoxes, Instant recordedAt) {

}

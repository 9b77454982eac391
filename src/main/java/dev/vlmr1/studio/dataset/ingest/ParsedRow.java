package dev.vlmr1.studio.dataset.ingest;

import java.util.List;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * A jsonl row whose syntax and schema are valid; its images are checked afterwards.
 *
 * @param line 1-based physical line
 * @param key the row's {@code id} as text; null for a line without one
 * @param imagePaths image paths relative to the file's image folder, in marker order
 * @param question the human turn, {@code <image>} markers kept
 * @param solution the gpt turn as text (numbers as written)
 * @param taskType inferred from the solution's shape
 * @param rewardMethod {@code accu_reward_method}, if given
 * @param extraJson every other top-level field, as a JSON object
 * @param boxes ground-truth boxes {@code [x1, y1, x2, y2]} to check against the first image's size
 * @param normalised how the line was read the way VLM-R1 reads it (empty for a line in the documented format)
 */
public record ParsedRow(int line, @Nullable String key, List<String> imagePaths, String question, String solution,
		TaskType taskType, @Nullable String rewardMethod, String extraJson, List<double[]> boxes,
		Set<Normalisation> normalised) {
}

package dev.vlmr1.studio.dataset;

import java.time.Instant;
import java.util.Map;

/**
 * What other modules may know about a dataset.
 *
 * @param id the dataset
 * @param ownerId the user who uploaded it
 * @param name the name given at upload; several versions may share it
 * @param version 1 for the first upload of a name, then 2, 3, … for changed content
 * @param contentSha256 hash of the stored content (jsonl bytes, image hashes, mode): a run records it so a
 * resumed run can tell that its data did not change
 * @param sampleCount stored (valid) samples
 * @param imageCount distinct images referenced
 * @param taskCounts samples per task type ({@code rec}, {@code ovd}, {@code counting}, {@code other})
 * @param createdAt when the upload was stored
 */
public record DatasetSummary(DatasetId id, long ownerId, String name, int version, String contentSha256,
		int sampleCount, int imageCount, Map<String, Integer> taskCounts, Instant createdAt) {
}

package dev.vlmr1.studio.train;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * One training prompt as the trainers see it; where it came from (jsonl, database) is the caller's business.
 *
 * @param id stable identifier (for the rollout gallery)
 * @param question the user's question, without the task's template sentence (the trainer appends it)
 * @param images image files shown before the question, in order (empty for text-only prompts)
 * @param solution the reference answer (rewards compare against it; SFT trains on it)
 * @param fields every other field of the row, as parsed JSON values (reward functions may read them)
 */
public record TrainingSample(String id, String question, List<Path> images, String solution,
		Map<String, @Nullable Object> fields) {

	public TrainingSample {
		images = List.copyOf(images);
		// JSON nulls are legal values, which Map.copyOf would reject
		fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
	}

	/** A text-only sample with no extra fields. */
	public static TrainingSample text(String id, String question, String solution) {
		return new TrainingSample(id, question, List.of(), solution, Map.of());
	}

}

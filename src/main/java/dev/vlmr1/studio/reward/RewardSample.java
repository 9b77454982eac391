package dev.vlmr1.studio.reward;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * What a reward function knows about the prompt a completion answers: the jsonl row and its images.
 *
 * @param question the human turn, {@code <image>} markers removed
 * @param solution the gpt turn as text (may be wrapped in {@code <answer>…</answer>})
 * @param fields every other jsonl field, kept as parsed JSON values (for custom functions and the dry run)
 * @param images original size and {@code image_grid_thw} of each image, in prompt order
 * @param accuRewardMethod the row's {@code accu_reward_method}, or null
 */
public record RewardSample(String question, String solution, Map<String, @Nullable Object> fields,
		List<SampleImage> images, @Nullable String accuRewardMethod) {

	public RewardSample {
		// JSON nulls are legal field values, which Map.copyOf would reject
		fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
		images = List.copyOf(images);
	}

	/** A text-only sample with no extra fields. */
	public static RewardSample of(String question, String solution) {
		return new RewardSample(question, solution, Map.of(), List.of(), null);
	}

	/** The same sample with one image. */
	public RewardSample withImage(SampleImage image) {
		return new RewardSample(question, solution, fields, List.of(image), accuRewardMethod);
	}

	/** The same sample with another {@code accu_reward_method}. */
	public RewardSample withMethod(@Nullable String method) {
		return new RewardSample(question, solution, fields, images, method);
	}

	/** The first image; VLM-R1 rescales REC boxes with it. */
	public SampleImage firstImage() {
		if (images.isEmpty()) {
			throw new IllegalStateException("the sample has no image to rescale boxes with; set rescale=false");
		}
		return images.get(0);
	}

}

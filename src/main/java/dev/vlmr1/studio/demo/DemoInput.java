package dev.vlmr1.studio.demo;

import java.util.Arrays;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * A demo request as received, before validation: whichever fields the client sent.
 *
 * @param image the image file's bytes
 * @param modelId the catalog model to run
 * @param expression REC: the referring expression
 * @param labels OVD: comma-separated labels
 * @param maxNewTokens generation bound (default from the settings)
 * @param temperature 0 (default) for greedy decoding
 * @param rescale whether boxes are mapped to the original image (default true)
 */
record DemoInput(byte @Nullable [] image, @Nullable Long modelId, @Nullable String expression,
		@Nullable String labels, @Nullable Integer maxNewTokens, @Nullable Double temperature,
		@Nullable Boolean rescale) {

	/** The labels split at commas, trimmed, empty ones and repeats dropped. */
	List<String> labelList() {
		if (labels == null) {
			return List.of();
		}
		return Arrays.stream(labels.split(",")).map(String::strip).filter((s) -> !s.isEmpty()).distinct().toList();
	}

}

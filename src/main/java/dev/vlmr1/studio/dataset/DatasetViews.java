package dev.vlmr1.studio.dataset;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import tools.jackson.databind.JsonNode;

import dev.vlmr1.studio.dataset.ingest.GroundTruth;

import org.jspecify.annotations.Nullable;

/** The JSON shapes of the dataset endpoints. */
final class DatasetViews {

	private DatasetViews() {
	}

	record ListItem(long id, String name, int version, int sampleCount, int invalidLines, int imageCount,
			Map<String, Integer> taskCounts, Instant createdAt) {
	}

	record FileView(String name, String sha256, long sizeBytes, int lineCount, int sampleCount, String imageSource) {
	}

	record Detail(long id, String name, int version, String mode, String contentSha256, int sampleCount,
			int invalidLines, int imageCount, long jsonlBytes, long imageBytes, Map<String, Integer> taskCounts,
			Instant createdAt, boolean inUse, List<FileView> files, JsonNode report, int reportTruncated,
			JsonNode normalised) {
	}

	record ImageRef(String path, String sha256, int width, int height) {
	}

	record SampleView(long id, String file, int line, @Nullable String key, String question, String solution,
			String taskType, @Nullable String accuRewardMethod, List<ImageRef> images, List<GroundTruth.Box> boxes,
			JsonNode extra) {
	}

	record SamplePage(int page, int size, long total, List<SampleView> items) {
	}

	record Progress(String phase, long done, long total, String state) {
	}

}

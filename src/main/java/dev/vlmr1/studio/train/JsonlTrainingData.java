package dev.vlmr1.studio.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.jspecify.annotations.Nullable;

/**
 * Reads VLM-R1 jsonl (DATA.md) into {@link TrainingSample}s for the command line: {@code conversations[0]} without
 * {@code <image>} markers is the question, {@code conversations[1]} the solution, {@code image} one path or a list
 * relative to the image folder (never escaping it), every other field kept.
 */
public final class JsonlTrainingData {

	private static final ObjectMapper JSON = new ObjectMapper();

	private JsonlTrainingData() {
	}

	public static List<TrainingSample> read(Path jsonl, Path imageDir) {
		List<String> lines;
		try {
			lines = Files.readAllLines(jsonl);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot read " + jsonl, ex);
		}
		List<TrainingSample> samples = new ArrayList<>();
		for (int i = 0; i < lines.size(); i++) {
			if (!lines.get(i).isBlank()) {
				try {
					samples.add(parse(lines.get(i), imageDir, "line" + (i + 1)));
				}
				catch (IllegalArgumentException ex) {
					throw new IllegalArgumentException(jsonl.getFileName() + " line " + (i + 1) + ": " + ex.getMessage());
				}
			}
		}
		if (samples.isEmpty()) {
			throw new IllegalArgumentException(jsonl + " has no samples");
		}
		return samples;
	}

	static TrainingSample parse(String line, Path imageDir, String fallbackId) {
		JsonNode row;
		try {
			row = JSON.readTree(line);
		}
		catch (JsonProcessingException ex) {
			throw new IllegalArgumentException("not JSON: " + ex.getOriginalMessage());
		}
		JsonNode turns = row == null ? null : row.get("conversations");
		if (turns == null || !turns.isArray() || turns.size() < 2) {
			throw new IllegalArgumentException("needs conversations [human, gpt]");
		}
		String question = turns.get(0).path("value").asText().replace("<image>", "").strip();
		JsonNode answer = turns.get(1).path("value");
		String solution = answer.isTextual() ? answer.textValue() : answer.toString();
		List<Path> images = new ArrayList<>();
		JsonNode image = row.get("image");
		if (image != null && image.isArray()) {
			image.forEach((n) -> images.add(inside(imageDir, n.asText())));
		}
		else if (image != null && image.isTextual()) {
			images.add(inside(imageDir, image.asText()));
		}
		Map<String, @Nullable Object> fields = new LinkedHashMap<>();
		row.fields().forEachRemaining((e) -> {
			if (!e.getKey().equals("conversations") && !e.getKey().equals("image")) {
				fields.put(e.getKey(), JSON.convertValue(e.getValue(), Object.class));
			}
		});
		String id = row.hasNonNull("id") ? row.get("id").asText() : fallbackId;
		return new TrainingSample(id, question, images, solution, fields);
	}

	private static Path inside(Path dir, String relative) {
		Path resolved = dir.resolve(relative).normalize();
		if (Path.of(relative).isAbsolute() || !resolved.startsWith(dir.normalize())) {
			throw new IllegalArgumentException("image path escapes the image folder: " + relative);
		}
		if (!Files.isRegularFile(resolved)) {
			throw new IllegalArgumentException("image not found: " + relative);
		}
		return resolved;
	}

}

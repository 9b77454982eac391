package dev.vlmr1.studio.dataset.ingest;

import java.util.ArrayList;
import java.util.List;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.jspecify.annotations.Nullable;

/** Reads the ground-truth boxes of a stored solution, for drawing them (REC: one box; OVD: labelled boxes). */
public final class GroundTruth {

	/** A box {@code [x1, y1, x2, y2]} in original-image pixels, with its OVD label if any. */
	public record Box(double[] box, @Nullable String label) {
	}

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private GroundTruth() {
	}

	public static List<Box> boxes(String solution) {
		SolutionShape.Shape shape = SolutionShape.of(solution, JSON);
		if (shape.type() == TaskType.REC) {
			return shape.boxes().stream().map((b) -> new Box(b, null)).toList();
		}
		if (shape.type() != TaskType.OVD || shape.boxes().isEmpty()) {
			return List.of();
		}
		JsonNode list = JSON.readTree(SolutionShape.answerText(solution));
		List<Box> boxes = new ArrayList<>();
		for (int i = 0; i < shape.boxes().size(); i++) {
			boxes.add(new Box(shape.boxes().get(i), list.get(i).path("label").asString()));
		}
		return boxes;
	}

}

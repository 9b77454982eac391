package dev.vlmr1.studio.reward;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.jspecify.annotations.Nullable;

/**
 * Reads an OVD answer: {@code None}, or a JSON list of {@code {"bbox_2d": [x1, y1, x2, y2], "label": "..."}},
 * optionally inside a {@code ```json … ```} fence (the last fence wins, as in VLM-R1).
 */
public final class DetectionParser {

	private static final Pattern FENCE = Pattern.compile("```(?:json)?(.*?)```", Pattern.DOTALL);

	private static final ObjectMapper JSON = new ObjectMapper();

	private DetectionParser() {
	}

	/** Parses answer text (already taken out of its {@code <answer>} tag). */
	public static DetectionList parse(String answer) {
		String text = unfence(answer).strip();
		if (text.equals("None")) {
			return DetectionList.ofNone();
		}
		JsonNode root;
		try {
			root = JSON.readTree(text);
		}
		catch (JsonProcessingException ex) {
			return DetectionList.unreadable("not JSON: " + ex.getOriginalMessage());
		}
		if (root == null || !root.isArray()) {
			return DetectionList.unreadable("not a JSON list: " + BoxParser.abbreviate(text));
		}
		List<Detection> detections = new ArrayList<>();
		List<String> problems = new ArrayList<>();
		for (int i = 0; i < root.size(); i++) {
			JsonNode item = root.get(i);
			JsonNode label = item.get("label");
			@Nullable Box box = (item.get("bbox_2d") == null) ? null : BoxParser.fromJson(item.get("bbox_2d"));
			if (box == null || label == null || !label.isTextual()) {
				problems.add("entry " + i + " is not {\"bbox_2d\": [4 numbers], \"label\": string}");
			}
			else {
				detections.add(new Detection(label.textValue(), box));
			}
		}
		return new DetectionList(false, detections, root.size(), problems);
	}

	/** The ground truth of an OVD sample: its solution's answer, parsed the same way. */
	public static DetectionList groundTruth(String solution) {
		DetectionList gt = parse(Answers.solution(solution));
		if (!gt.wellFormed()) {
			throw new IllegalArgumentException("ground truth is not an OVD answer: " + gt.problems());
		}
		return gt;
	}

	private static String unfence(String answer) {
		Matcher m = FENCE.matcher(answer);
		@Nullable String inside = null;
		while (m.find()) {
			inside = m.group(1);
		}
		return (inside != null) ? inside : answer;
	}

}

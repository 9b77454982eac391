package dev.vlmr1.studio.reward;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.jspecify.annotations.Nullable;

/**
 * Reads an OVD answer: {@code None}, or a JSON list of {@code {"bbox_2d": [x1, y1, x2, y2], "label": "..."}},
 * optionally inside a {@code ```json … ```} fence (the last fence wins, as in VLM-R1).
 */
public final class DetectionParser {

	private static final String FENCE = "```";

	private static final String JSON_TAG = "json";

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

	/**
	 * The inside of the last fence that repeated {@code ```(?:json)?(.*?)```} (dot matching newlines) finds, or the
	 * answer itself when there is none; a linear scan, as the lazy pattern retried every later fence to the end.
	 */
	static String unfence(String answer) {
		@Nullable String inside = null;
		int from = 0;
		int open;
		while ((open = answer.indexOf(FENCE, from)) >= 0) {
			int afterOpen = open + FENCE.length();
			int contentStart = afterOpen;
			int close = -1;
			if (answer.startsWith(JSON_TAG, afterOpen)) {
				contentStart = afterOpen + JSON_TAG.length();
				close = answer.indexOf(FENCE, contentStart);
			}
			if (close < 0) {
				// the optional tag given back, as the pattern backtracks
				contentStart = afterOpen;
				close = answer.indexOf(FENCE, contentStart);
			}
			if (close < 0) {
				// no fence closes this one, so none closes a later one either
				break;
			}
			inside = answer.substring(contentStart, close);
			from = close + FENCE.length();
		}
		return (inside != null) ? inside : answer;
	}

}

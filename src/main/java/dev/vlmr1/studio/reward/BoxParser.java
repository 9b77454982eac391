package dev.vlmr1.studio.reward;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.jspecify.annotations.Nullable;

/**
 * Reads boxes out of text. Shared by the REC reward, evaluation and the demo, so all three read a model's answer
 * the same way.
 */
public final class BoxParser {

	/**
	 * VLM-R1's pattern: four non-negative integers in brackets. A float or a negative coordinate does not match, so
	 * such a box is simply not found (and scores 0); a later all-integer box in the same text is found instead.
	 * Python's classes: any Unicode decimal digit, any Unicode whitespace (full-width digits, no-break spaces).
	 * Linear: an attempt at one {@code [} reads only digits, commas and whitespace, never the next {@code [}.
	 */
	static final Pattern INT_BOX = Pattern.compile("\\[(D+),S*(D+),S*(D+),S*(D+)]".replace("D", PyText.DIGIT)
		.replace("S", PyText.SPACE));

	private static final ObjectMapper JSON = new ObjectMapper();

	private BoxParser() {
	}

	/** The first {@code [int, int, int, int]} anywhere in the text. */
	public static Optional<Box> firstIntBox(String text) {
		Matcher m = INT_BOX.matcher(text);
		if (!m.find()) {
			return Optional.empty();
		}
		try {
			return Optional.of(new Box(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)),
					Long.parseLong(m.group(3)), Long.parseLong(m.group(4))));
		}
		catch (NumberFormatException ex) {
			// more digits than a long holds: not a coordinate anyone meant
			return Optional.empty();
		}
	}

	/**
	 * The first {@code [int, int, int, int]} inside the first {@code <answer>} of a completion (VLM-R1's REC
	 * protocol for both the reward and the evaluation).
	 */
	public static Optional<Box> recPrediction(String completion) {
		return Answers.first(completion).flatMap(BoxParser::firstIntBox);
	}

	/**
	 * A ground-truth box: the solution's answer as a JSON array of four finite numbers (floats allowed).
	 * @throws IllegalArgumentException when the solution is not such an array
	 */
	public static Box groundTruth(String solution) {
		String answer = Answers.solution(solution);
		JsonNode node;
		try {
			node = JSON.readTree(answer);
		}
		catch (JsonProcessingException ex) {
			throw new IllegalArgumentException("ground truth is not a JSON [x1, y1, x2, y2]: " + abbreviate(answer));
		}
		@Nullable Box box = (node == null) ? null : fromJson(node);
		if (box == null) {
			throw new IllegalArgumentException("ground truth is not a JSON [x1, y1, x2, y2]: " + abbreviate(answer));
		}
		return box;
	}

	/** A JSON array of four finite numbers as a box, or null when it is anything else. */
	static @Nullable Box fromJson(JsonNode node) {
		if (!node.isArray() || node.size() != 4) {
			return null;
		}
		double[] v = new double[4];
		for (int i = 0; i < 4; i++) {
			JsonNode c = node.get(i);
			if (!c.isNumber() || !Double.isFinite(c.doubleValue())) {
				return null;
			}
			v[i] = c.doubleValue();
		}
		return new Box(v[0], v[1], v[2], v[3]);
	}

	static String abbreviate(String s) {
		return (s.length() <= 80) ? s : s.substring(0, 77) + "...";
	}

}

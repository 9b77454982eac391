package dev.vlmr1.studio.dataset.ingest;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import tools.jackson.core.JacksonException;
import tools.jackson.core.json.JsonReadFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.jspecify.annotations.Nullable;

/**
 * Reads the shape of a solution: the text inside the last {@code <answer>…</answer>} (or the whole value),
 * without a {@code ```json} fence, is a REC box (a JSON list of numbers), an OVD list (objects with
 * {@code bbox_2d}), {@code None} (OVD with nothing to find), a whole number (counting) or anything else.
 * Boxes must be 4 finite numbers with x1 &lt; x2, y1 &lt; y2 and no negative coordinate.
 */
final class SolutionShape {

	private static final Pattern ANSWER = Pattern.compile("<answer>(.*?)</answer>", Pattern.DOTALL);

	private static final Pattern JSON_DECIMAL = Pattern.compile("-?(?:0|[1-9]\\d*)(?:\\.\\d+)?");

	private static final Pattern FENCE = Pattern.compile("^```(?:json)?\\s*(.*?)\\s*```$", Pattern.DOTALL);

	/** The task type and boxes, or a box problem ({@code problem} non-null, {@code field} says where). */
	record Shape(TaskType type, List<double[]> boxes, @Nullable String problem, String field) {
	}

	private SolutionShape() {
	}

	static Shape of(String solution, JsonMapper json) {
		String answer = answerText(solution);
		if (answer.equals("None")) {
			return new Shape(TaskType.OVD, List.of(), null, "");
		}
		if (isInteger(answer)) {
			return new Shape(TaskType.COUNTING, List.of(), null, "");
		}
		if (!answer.startsWith("[")) {
			return new Shape(TaskType.OTHER, List.of(), null, "");
		}
		double[] plain = plainBox(answer);
		if (plain != null && Double.isFinite(plain[0] + plain[1] + plain[2] + plain[3]) && plain[0] >= 0 && plain[1] >= 0
				&& plain[0] < plain[2] && plain[1] < plain[3]) {
			// the common REC case, read without building a JSON tree; anything unusual takes the full path
			return new Shape(TaskType.REC, List.of(plain), null, "");
		}
		JsonNode node;
		try {
			node = json.readTree(answer);
		}
		catch (JacksonException ex) {
			JsonNode withNonFinite = readWithNonFiniteNumbers(answer, json);
			if (withNonFinite == null) {
				return new Shape(TaskType.OTHER, List.of(), null, "");
			}
			node = withNonFinite;
		}
		if (!node.isArray() || node.isEmpty()) {
			return new Shape(node.isArray() ? TaskType.OVD : TaskType.OTHER, List.of(), null, "");
		}
		if (node.get(0).isObject()) {
			return ovd(node);
		}
		if (node.get(0).isNumber()) {
			String problem = boxProblem(node);
			return problem != null ? new Shape(TaskType.REC, List.of(), problem, "")
					: new Shape(TaskType.REC, List.of(box(node)), null, "");
		}
		return new Shape(TaskType.OTHER, List.of(), null, "");
	}

	/**
	 * The answer read again with {@code NaN} and {@code Infinity} allowed as numbers, when it names them: JSON has
	 * no such numbers, so a box written with one failed to parse and the row passed silently as another task; read
	 * this way it is a box whose coordinates are not finite, and refused as an invalid box.
	 */
	private static @Nullable JsonNode readWithNonFiniteNumbers(String answer, JsonMapper json) {
		if (!(answer.contains("NaN") || answer.contains("Infinity") || answer.contains("INF"))) {
			return null;
		}
		try {
			return json.rebuild().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build().readTree(answer);
		}
		catch (JacksonException ex) {
			return null;
		}
	}

	/** {@code [a, b, c, d]} of four plain decimal numbers, or null for anything else. */
	private static double @Nullable [] plainBox(String text) {
		if (!text.endsWith("]") || text.length() > 200) {
			return null;
		}
		String[] parts = text.substring(1, text.length() - 1).split(",", -1);
		if (parts.length != 4) {
			return null;
		}
		double[] box = new double[4];
		for (int i = 0; i < 4; i++) {
			String part = parts[i].strip();
			if (part.isEmpty() || part.length() > 30) {
				return null;
			}
			if (!JSON_DECIMAL.matcher(part).matches()) {
				return null;
			}
			try {
				box[i] = Double.parseDouble(part);
			}
			catch (NumberFormatException ex) {
				return null;
			}
		}
		return box;
	}

	private static boolean isInteger(String text) {
		int start = !text.isEmpty() && (text.charAt(0) == '+' || text.charAt(0) == '-') ? 1 : 0;
		if (text.length() <= start || text.length() - start > 18) {
			return false;
		}
		for (int i = start; i < text.length(); i++) {
			if (text.charAt(i) < '0' || text.charAt(i) > '9') {
				return false;
			}
		}
		return true;
	}

	private static Shape ovd(JsonNode list) {
		List<double[]> boxes = new ArrayList<>();
		for (int i = 0; i < list.size(); i++) {
			JsonNode item = list.get(i);
			String where = "[" + i + "]";
			if (!item.isObject() || !item.has("bbox_2d")) {
				return new Shape(TaskType.OVD, List.of(), "detection " + where + " has no bbox_2d", where);
			}
			if (!item.path("label").isString()) {
				return new Shape(TaskType.OVD, List.of(), "detection " + where + " has no string label", where);
			}
			String problem = boxProblem(item.get("bbox_2d"));
			if (problem != null) {
				return new Shape(TaskType.OVD, List.of(), problem, where + ".bbox_2d");
			}
			boxes.add(box(item.get("bbox_2d")));
		}
		return new Shape(TaskType.OVD, boxes, null, "");
	}

	static @Nullable String boxProblem(JsonNode box) {
		if (!box.isArray() || box.size() != 4) {
			return "a box needs exactly 4 numbers [x1, y1, x2, y2]";
		}
		for (JsonNode v : box) {
			if (!v.isNumber() || !Double.isFinite(v.asDouble())) {
				return "box coordinates must be finite numbers";
			}
		}
		double[] b = box(box);
		if (b[0] < 0 || b[1] < 0) {
			return "box coordinates must not be negative";
		}
		if (!(b[0] < b[2] && b[1] < b[3])) {
			return "a box needs x1 < x2 and y1 < y2";
		}
		return null;
	}

	private static double[] box(JsonNode box) {
		return new double[] { box.get(0).asDouble(), box.get(1).asDouble(), box.get(2).asDouble(),
				box.get(3).asDouble() };
	}

	static String answerText(String solution) {
		String answer = solution;
		// the regexes only run when their markers are present: most solutions are a bare box or number
		if (solution.contains("<answer>")) {
			Matcher m = ANSWER.matcher(solution);
			while (m.find()) {
				answer = m.group(1);
			}
		}
		answer = answer.strip();
		if (!answer.startsWith("```")) {
			return answer;
		}
		Matcher fence = FENCE.matcher(answer);
		return fence.matches() ? fence.group(1).strip() : answer;
	}

}

package dev.vlmr1.studio.train;

import java.util.List;

/**
 * The assistant turn an SFT warm-up trains on. The prompt template asks for {@code <think>…</think>} and
 * {@code <answer>…</answer>}, so a bare dataset answer ({@code [x1, y1, x2, y2]}, VLM-R1's REC solution) would teach
 * the model to ignore its prompt, and GRPO after it would start where the format and accuracy rewards (which read
 * only the answer) are all zero. A solution without an {@code <answer>} tag is therefore rendered in that format,
 * REC boxes as the JSON object the REC template asks for; solutions already in the format are kept as they are.
 *
 * <p>The thinking of a REC target is the referring expression itself: a small model learns to copy it next to the
 * answer it conditions, and the completion stays short enough for GRPO's completion budget.
 */
public final class SftTargets {

	private SftTargets() {
	}

	public static List<TrainingSample> inAnswerFormat(List<TrainingSample> samples) {
		return samples.stream().map(SftTargets::inAnswerFormat).toList();
	}

	public static TrainingSample inAnswerFormat(TrainingSample s) {
		if (s.solution().contains("<answer>")) {
			return s;
		}
		boolean rec = isRec(s) && s.solution().strip().startsWith("[");
		String thinking = rec ? expression(s.question()) : "I look at the image and answer the question.";
		String answer = rec ? "{\"bbox_2d\": " + s.solution().strip() + "}" : s.solution();
		return new TrainingSample(s.id(), s.question(), s.images(), "<think>" + thinking + "</think>\n<answer>" + answer
				+ "</answer>", s.fields());
	}

	/** Datasets name the task {@code task_type}; the synthetic writer's jsonl calls it {@code task}. */
	private static boolean isRec(TrainingSample s) {
		return "rec".equals(s.fields().get("task_type")) || "rec".equals(s.fields().get("task"));
	}

	/** "… describes: the red circle." → "the red circle"; the whole question when it has no colon. */
	static String expression(String question) {
		int colon = question.lastIndexOf(": ");
		String tail = colon < 0 ? question : question.substring(colon + 2);
		return tail.endsWith(".") ? tail.substring(0, tail.length() - 1) : tail;
	}

}

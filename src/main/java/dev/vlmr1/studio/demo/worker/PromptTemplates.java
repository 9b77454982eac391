package dev.vlmr1.studio.demo.worker;

import java.util.List;

/**
 * VLM-R1's prompts (GRPO.md "Prompt templates"): the task's question followed by the template sentence that asks for
 * the thinking in {@code <think>} and the answer in {@code <answer>} tags. A model trained here saw exactly these.
 */
public final class PromptTemplates {

	static final String THINK_THEN_ANSWER = " First output the thinking process in <think> </think> tags and then output"
			+ " the final answer in <answer> </answer> tags.";

	static final String REC_SUFFIX = THINK_THEN_ANSWER + " Output the final answer in JSON format.";

	private PromptTemplates() {
	}

	/** The REC question for an expression, with the {@code rec} template. */
	public static String rec(String expression) {
		return "Please provide the bounding box coordinate of the region this sentence describes: " + expression + "."
				+ REC_SUFFIX;
	}

	/** The OVD question for a label list, with the default template. */
	public static String ovd(List<String> labels) {
		return "Please carefully check the image and detect the following objects: [" + String.join(", ", labels)
				+ "]. Output the bbox coordinates of detected objects in JSON format in <answer></answer>. The bbox"
				+ " coordinate format should be: ```json [{\"bbox_2d\": [x1, y1, x2, y2], \"label\": \"object name\"}]"
				+ " ```. If no targets are detected in the image, simply respond with \"None\"." + THINK_THEN_ANSWER;
	}

	/** The user-turn text for a request. */
	public static String question(DemoTask task, String expression, List<String> labels) {
		return task == DemoTask.REC ? rec(expression) : ovd(labels);
	}

}

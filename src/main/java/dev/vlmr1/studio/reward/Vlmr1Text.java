package dev.vlmr1.studio.reward;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * The answer extraction and cleaning of VLM-R1's {@code grpo_jsonl.py}, step for step. Each reward function there
 * reads its answer in its own way (first or last block, dot matching newlines or not), so each port names the
 * reading it uses.
 */
final class Vlmr1Text {

	/** {@code <answer>(.*?)</answer>} without DOTALL: Python's dot stops only at '\n'. */
	private static final Pattern ANSWER_ONE_LINE = Pattern.compile("<answer>([^\\n]*?)</answer>");

	private static final String FENCE = "```";

	private Vlmr1Text() {
	}

	/**
	 * The solution as VLM-R1's loader hands it to a reward function: the gpt turn with its answer tags removed,
	 * stripped, wrapped in {@code <answer> … </answer>}.
	 */
	static String wrappedSolution(String gptTurn) {
		return "<answer> " + PyText.strip(gptTurn.replace("<answer>", "").replace("</answer>", "")) + " </answer>";
	}

	/** {@code re.search(r'<answer>(.*?)</answer>', text, re.DOTALL)}: the first block. */
	static Optional<String> firstAnswer(String text) {
		return Answers.first(text);
	}

	/** {@code re.findall(r'<answer>(.*?)</answer>', text, re.DOTALL)[-1]}: the last block. */
	static Optional<String> lastAnswer(String text) {
		return Answers.last(text);
	}

	/** {@code re.search(r'<answer>(.*?)</answer>', text)} without DOTALL: the first block on one line. */
	static Optional<String> firstOneLineAnswer(String text) {
		Matcher m = ANSWER_ONE_LINE.matcher(text);
		return m.find() ? Optional.of(m.group(1)) : Optional.empty();
	}

	/** The ground truth most text rewards read: the first one-line block of the solution, stripped, else all of it. */
	static String groundTruth(String wrappedSolution) {
		return PyText.strip(firstOneLineAnswer(wrappedSolution).orElse(wrappedSolution));
	}

	/**
	 * {@code clean_text}: the last answer block (else the whole text); a line break after whitespace removed,
	 * any other replaced by a space ('\n' first, then '\r'); stripped; all trailing dots removed; lower-cased.
	 */
	static String clean(String text) {
		return cleanText(lastAnswer(text).orElse(text));
	}

	/** {@code clean_text} after its answer extraction. */
	static String cleanText(String text) {
		String s = joinLines(text, '\n');
		s = joinLines(s, '\r');
		return PyText.lower(PyText.rstripDots(PyText.strip(s)));
	}

	/** {@code re.sub(r'(?<=\s)c', '', s)} then {@code re.sub(r'(?<!\s)c', ' ', s)}. */
	private static String joinLines(String s, char c) {
		StringBuilder dropped = new StringBuilder(s.length());
		for (int i = 0; i < s.length(); i++) {
			boolean afterSpace = i > 0 && PyText.isSpace(s.charAt(i - 1));
			if (s.charAt(i) != c || !afterSpace) {
				dropped.append(s.charAt(i));
			}
		}
		StringBuilder out = new StringBuilder(dropped.length());
		for (int i = 0; i < dropped.length(); i++) {
			boolean afterSpace = i > 0 && PyText.isSpace(dropped.charAt(i - 1));
			out.append((dropped.charAt(i) == c && !afterSpace) ? ' ' : dropped.charAt(i));
		}
		return out.toString();
	}

	/**
	 * {@code re.search(r'```json(.*?)```', text, re.DOTALL)}: the inside of the first json fence, or null.
	 */
	static @Nullable String firstJsonFence(String text) {
		int @Nullable [] pair = TagScan.nextPair(text, FENCE + "json", FENCE, 0);
		return (pair == null) ? null : text.substring(pair[0], pair[1]);
	}

	/** {@code re.findall(r'```json(.*?)```', text, re.DOTALL)[-1]}: the inside of the last json fence, or null. */
	static @Nullable String lastJsonFence(String text) {
		@Nullable String found = null;
		int from = 0;
		int @Nullable [] pair;
		while ((pair = TagScan.nextPair(text, FENCE + "json", FENCE, from)) != null) {
			found = text.substring(pair[0], pair[1]);
			from = pair[1] + FENCE.length();
		}
		return found;
	}

	/** {@code re.search(r'```(.*?)```', text, re.DOTALL)}: the inside of the first fence of any kind, or null. */
	static @Nullable String firstFence(String text) {
		int @Nullable [] pair = TagScan.nextPair(text, FENCE, FENCE, 0);
		return (pair == null) ? null : text.substring(pair[0], pair[1]);
	}

}

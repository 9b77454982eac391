package dev.vlmr1.studio.reward;

import java.util.Optional;

import org.jspecify.annotations.Nullable;

/**
 * Answer extraction and normalisation shared by the reward functions (REWARDS.md "Answer extraction").
 */
public final class Answers {

	private Answers() {
	}

	/**
	 * The text inside the first {@code <answer>…</answer>}, untrimmed; VLM-R1's REC reward reads this one. As
	 * {@code <answer>(.*?)</answer>} finds it, in linear time.
	 */
	public static Optional<String> first(String text) {
		int @Nullable [] pair = TagScan.nextPair(text, TagScan.ANSWER, TagScan.ANSWER_CLOSE, 0);
		return (pair == null) ? Optional.empty() : Optional.of(text.substring(pair[0], pair[1]));
	}

	/**
	 * The text inside the last {@code <answer>…</answer>}, untrimmed; the default for every other function. The last
	 * of the non-overlapping pairs that repeated {@code <answer>(.*?)</answer>} finds, in linear time.
	 */
	public static Optional<String> last(String text) {
		int @Nullable [] found = null;
		int from = 0;
		int @Nullable [] pair;
		while ((pair = TagScan.nextPair(text, TagScan.ANSWER, TagScan.ANSWER_CLOSE, from)) != null) {
			found = pair;
			from = pair[1] + TagScan.ANSWER_CLOSE.length();
		}
		return (found == null) ? Optional.empty() : Optional.of(text.substring(found[0], found[1]));
	}

	/**
	 * The last answer, or the whole completion when it has none (VLM-R1's text rewards fall back the same way;
	 * the format reward is what punishes a missing tag).
	 */
	public static String lastOrWhole(String text) {
		return last(text).orElse(text);
	}

	/** The solution's answer: inside its first {@code <answer>} tag when wrapped (DATA.md allows both), trimmed. */
	public static String solution(String solution) {
		return first(solution).orElse(solution).strip();
	}

	/**
	 * VLM-R1's {@code clean_text} without its answer extraction: join lines (a line break after whitespace
	 * disappears, otherwise it becomes a space), strip Unicode whitespace, drop all trailing dots, lower-case.
	 */
	public static String clean(String x) {
		return Vlmr1Text.cleanText(x);
	}

}

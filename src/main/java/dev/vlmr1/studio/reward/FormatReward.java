package dev.vlmr1.studio.reward;

import java.util.function.Predicate;
import java.util.regex.Matcher;

/**
 * {@code format} (the whole completion is {@code <think>…</think> <answer>…</answer>}) and {@code format_rec}
 * (somewhere a think block, then an answer holding a JSON object with four integers). VLM-R1's regular
 * expressions, dot matching newlines, answered by linear scans: the backtracking engine took time quadratic in the
 * length of a completion of repeated tags or braces.
 */
public final class FormatReward implements RewardFunction {

	private final String name;

	private final Predicate<String> matches;

	private FormatReward(String name, Predicate<String> matches) {
		this.name = name;
		this.matches = matches;
	}

	/** {@code format}: full match of {@code <think>.*?</think>\s*<answer>.*?</answer>}. */
	public static FormatReward thinkAnswer() {
		return new FormatReward("format", FormatReward::wholeThinkAnswer);
	}

	/**
	 * {@code format_rec}: search for
	 * {@code <think>.*?</think>\s*<answer>.*?\{.*\[\d+,\s*\d+,\s*\d+,\s*\d+\].*\}.*?</answer>}.
	 */
	public static FormatReward rec() {
		return new FormatReward("format_rec", FormatReward::containsRec);
	}

	@Override
	public String name() {
		return name;
	}

	@Override
	public RewardResult evaluate(Completion completion, RewardSample sample) {
		boolean ok = matches.test(completion.text());
		RewardParse parse = RewardParse.answer(Answers.last(completion.text()).map(String::strip).orElse(null))
			.withNote(ok ? "format matched" : "format not matched");
		return RewardResult.of(ok ? 1.0 : 0.0, parse);
	}

	/**
	 * The text opens with {@code <think>}, closes with {@code </answer>}, and between them a {@code </think>}, optional
	 * whitespace and {@code <answer>} appear; the earliest such run is the one most likely to fit.
	 */
	static boolean wholeThinkAnswer(String text) {
		if (!text.startsWith(TagScan.THINK) || !text.endsWith(TagScan.ANSWER_CLOSE)) {
			return false;
		}
		int answerOpened = TagScan.thinkThenAnswer(text, TagScan.THINK.length());
		return answerOpened >= 0 && answerOpened <= text.length() - TagScan.ANSWER_CLOSE.length();
	}

	/**
	 * Each part of the pattern in turn, taking the earliest occurrence after the previous part: whatever fits after
	 * a later occurrence also fits after the earliest, so this finds a match exactly when the pattern does.
	 */
	static boolean containsRec(String text) {
		int think = text.indexOf(TagScan.THINK);
		if (think < 0) {
			return false;
		}
		int answerOpened = TagScan.thinkThenAnswer(text, think + TagScan.THINK.length());
		if (answerOpened < 0) {
			return false;
		}
		int brace = text.indexOf('{', answerOpened);
		if (brace < 0) {
			return false;
		}
		// linear: an attempt at one '[' reads only digits, commas and spaces, never the next '['
		Matcher box = BoxParser.INT_BOX.matcher(text);
		if (!box.find(brace + 1)) {
			return false;
		}
		int closeBrace = text.indexOf('}', box.end());
		return closeBrace >= 0 && text.indexOf(TagScan.ANSWER_CLOSE, closeBrace + 1) >= 0;
	}

}

package dev.vlmr1.studio.reward;

import java.util.regex.Pattern;

/**
 * {@code format} (the whole completion is {@code <think>…</think> <answer>…</answer>}) and {@code format_rec}
 * (somewhere a think block, then an answer holding a JSON object with four integers). VLM-R1's regular
 * expressions, dot matching newlines.
 */
public final class FormatReward implements RewardFunction {

	private static final Pattern THINK_ANSWER = Pattern.compile("<think>.*?</think>\\s*<answer>.*?</answer>",
			Pattern.DOTALL);

	private static final Pattern REC = Pattern.compile(
			"<think>.*?</think>\\s*<answer>.*?\\{.*\\[\\d+,\\s*\\d+,\\s*\\d+,\\s*\\d+\\].*\\}.*?</answer>",
			Pattern.DOTALL);

	private final String name;

	private final Pattern pattern;

	private final boolean whole;

	private FormatReward(String name, Pattern pattern, boolean whole) {
		this.name = name;
		this.pattern = pattern;
		this.whole = whole;
	}

	/** {@code format}: full match. */
	public static FormatReward thinkAnswer() {
		return new FormatReward("format", THINK_ANSWER, true);
	}

	/** {@code format_rec}: search. */
	public static FormatReward rec() {
		return new FormatReward("format_rec", REC, false);
	}

	@Override
	public String name() {
		return name;
	}

	@Override
	public RewardResult evaluate(Completion completion, RewardSample sample) {
		var m = pattern.matcher(completion.text());
		boolean ok = whole ? m.matches() : m.find();
		RewardParse parse = RewardParse.answer(Answers.last(completion.text()).map(String::strip).orElse(null))
			.withNote(ok ? "format matched" : "format not matched");
		return RewardResult.of(ok ? 1.0 : 0.0, parse);
	}

}

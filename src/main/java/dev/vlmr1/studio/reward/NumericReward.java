package dev.vlmr1.studio.reward;

import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code numeric}: answer and solution both read as numbers and agree within a relative tolerance (counting
 * tasks). Thousands separators, a leading currency sign, a trailing {@code %} and a trailing unit word are
 * ignored: "1,024 px", "3 balls", "50%" read as 1024, 3, 50.
 */
public final class NumericReward implements RewardFunction {

	private static final Pattern NUMBER = Pattern
		.compile("[$€£]?\\s*([-+]?(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:e[-+]?\\d+)?)\\s*(?:%|[\\p{L}°]+)?");

	private final double relTol;

	public NumericReward(RewardParams params) {
		this.relTol = params.number("rel_tol");
	}

	@Override
	public String name() {
		return "numeric";
	}

	@Override
	public RewardResult evaluate(Completion completion, RewardSample sample) {
		String answer = Answers.clean(Answers.lastOrWhole(completion.text()));
		OptionalDouble a = parse(answer);
		OptionalDouble b = parse(Answers.clean(Answers.solution(sample.solution())));
		RewardParse parse = RewardParse.answer(answer);
		if (a.isEmpty() || b.isEmpty()) {
			return RewardResult.of(0, parse.withNote(a.isEmpty() ? "answer is not a number" : "solution is not a number"));
		}
		double x = a.getAsDouble();
		double y = b.getAsDouble();
		boolean equal = Math.abs(x - y) <= relTol * Math.max(Math.abs(x), Math.abs(y));
		return RewardResult.of(equal ? 1 : 0, parse.withNote(x + " vs " + y));
	}

	/** The number a cleaned text stands for, or empty when it is not just a number. */
	static OptionalDouble parse(String cleaned) {
		String s = cleaned.replace(",", "").strip();
		Matcher m = NUMBER.matcher(s);
		if (!m.matches()) {
			return OptionalDouble.empty();
		}
		double v = Double.parseDouble(m.group(1));
		return Double.isFinite(v) ? OptionalDouble.of(v) : OptionalDouble.empty();
	}

}

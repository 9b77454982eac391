package dev.vlmr1.studio.reward;

import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * {@code numeric}, VLM-R1's {@code numeric_reward}: clean(answer) and clean(solution) read by Python's
 * {@code float()} (Unicode digits, underscores, inf and nan included) and compared exactly (within {@code rel_tol},
 * 0 by default). Where {@code float()} fails VLM-R1 returns None, not a score (its {@code default} method then
 * falls back to fuzzy matching); here the deliberate deviation reads thousands separators, a currency sign, a
 * trailing {@code %} or unit word ("1,024 px", "3 balls", "50%") and otherwise scores 0.
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
		String answer = Vlmr1Text.clean(completion.text());
		String truth = Vlmr1Text.clean(Vlmr1Text.wrappedSolution(sample.solution()));
		RewardParse parse = RewardParse.answer(answer);
		@Nullable Double x = PyText.toFloat(answer);
		@Nullable Double y = PyText.toFloat(truth);
		if (x != null && y != null) {
			return RewardResult.of(agree(x, y) ? 1 : 0, parse.withNote(x + " vs " + y));
		}
		OptionalDouble a = lenient(answer);
		OptionalDouble b = lenient(truth);
		if (a.isEmpty() || b.isEmpty()) {
			return RewardResult.of(0, parse.withNote(a.isEmpty() ? "answer is not a number" : "solution is not a number"));
		}
		boolean equal = agree(a.getAsDouble(), b.getAsDouble());
		return RewardResult.of(equal ? 1 : 0, parse.withNote(a.getAsDouble() + " vs " + b.getAsDouble()
				+ " (read past separators or units; VLM-R1 gives no score here)"));
	}

	/** Python's {@code ==} (nan equals nothing), widened by the relative tolerance. */
	private boolean agree(double x, double y) {
		return x == y || Math.abs(x - y) <= relTol * Math.max(Math.abs(x), Math.abs(y));
	}

	/** The number a cleaned text stands for past separators, currency and units, or empty when it is not one. */
	static OptionalDouble lenient(String cleaned) {
		String s = PyText.strip(cleaned.replace(",", ""));
		Matcher m = NUMBER.matcher(s);
		if (!m.matches()) {
			return OptionalDouble.empty();
		}
		double v = Double.parseDouble(m.group(1));
		return Double.isFinite(v) ? OptionalDouble.of(v) : OptionalDouble.empty();
	}

}

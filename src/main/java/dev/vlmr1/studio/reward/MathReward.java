package dev.vlmr1.studio.reward;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * {@code math}, VLM-R1's {@code math_reward} ({@code compute_score}) as far as it can be done without a computer
 * algebra system. Both sides are cleaned as VLM-R1 does (last answer block, lower-cased); then 1 when they are
 * equal, or when both read as the same exact rational number (integers, decimals, {@code a/b}, {@code \frac{a}{b}},
 * a trailing {@code %} or {@code \%}, inside an optional {@code \boxed{}} or {@code $…$}), standing in for the numeric
 * part of math_verify, or when VLM-R1's own LaTeX normalisation ({@code strip_string} of the last {@code \boxed{}})
 * makes them equal. Not covered (0 here where math_verify may say 1): symbolic equivalence ({@code 2x+2} vs
 * {@code 2(x+1)}), roots and π as values ({@code \sqrt{2}} vs 1.414…), sets, intervals and matrices in other orders,
 * equations solved for a variable.
 */
public final class MathReward implements RewardFunction {

	private static final Pattern DECIMAL = Pattern.compile("[+-]?(?:\\d+(?:\\.\\d*)?|\\.\\d+)");

	private static final Pattern FRAC = Pattern.compile("([+-]?)\\\\[dt]?frac\\{([^{}]+)\\}\\{([^{}]+)\\}");

	@Override
	public String name() {
		return "math";
	}

	@Override
	public RewardResult evaluate(Completion completion, RewardSample sample) {
		String answer = Vlmr1Text.clean(completion.text());
		String truth = Vlmr1Text.clean(Vlmr1Text.wrappedSolution(sample.solution()));
		RewardParse parse = RewardParse.answer(answer);
		if (answer.equals(truth)) {
			return RewardResult.of(1, parse.withNote("equal text"));
		}
		@Nullable BigDecimal a = value(answer);
		@Nullable BigDecimal b = value(truth);
		if (a != null && b != null && a.compareTo(b) == 0) {
			return RewardResult.of(1, parse.withNote("equal numbers: " + a.toPlainString()));
		}
		@Nullable String boxed = Vlmr1MathStrings.lastBoxedContent(answer);
		boolean equiv = boxed != null && Vlmr1MathStrings.isEquiv(boxed, truth);
		return RewardResult.of(equiv ? 1 : 0, parse.withNote(equiv ? "equal after LaTeX normalisation" : "not equal"));
	}

	/** The exact value a number, fraction or percentage stands for (rounded to 34 digits), or null. */
	static @Nullable BigDecimal value(String text) {
		String s = PyText.strip(unwrap(PyText.strip(text)));
		boolean percent = false;
		if (s.endsWith("\\%")) {
			s = s.substring(0, s.length() - 2);
			percent = true;
		}
		else if (s.endsWith("%")) {
			s = s.substring(0, s.length() - 1);
			percent = true;
		}
		s = PyText.strip(s).replace(" ", "");
		@Nullable BigDecimal v = rational(s);
		if (v == null) {
			return null;
		}
		return percent ? v.divide(BigDecimal.valueOf(100), MathContext.DECIMAL128) : v;
	}

	/** The inside of a last {@code \boxed{…}} and of surrounding {@code $…$}. */
	private static String unwrap(String s) {
		@Nullable String boxed = Vlmr1MathStrings.lastBoxedContent(s);
		String inner = (boxed == null) ? s : boxed;
		if (inner.length() >= 2 && inner.startsWith("$") && inner.endsWith("$")) {
			inner = inner.substring(1, inner.length() - 1);
		}
		return inner;
	}

	private static @Nullable BigDecimal rational(String s) {
		Matcher frac = FRAC.matcher(s);
		if (frac.matches()) {
			return divide(frac.group(1) + frac.group(2), frac.group(3));
		}
		int slash = s.indexOf('/');
		if (slash > 0 && slash == s.lastIndexOf('/')) {
			return divide(s.substring(0, slash), s.substring(slash + 1));
		}
		return decimal(s);
	}

	private static @Nullable BigDecimal divide(String num, String den) {
		@Nullable BigDecimal n = decimal(num);
		@Nullable BigDecimal d = decimal(den);
		if (n == null || d == null || d.signum() == 0) {
			return null;
		}
		return n.divide(d, MathContext.DECIMAL128);
	}

	private static @Nullable BigDecimal decimal(String s) {
		if (!DECIMAL.matcher(s).matches() || s.length() > 400) {
			return null;
		}
		String t = s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
		BigDecimal v = new BigDecimal(t.startsWith("+") ? t.substring(1) : t);
		return v.round(MathContext.DECIMAL128);
	}

}

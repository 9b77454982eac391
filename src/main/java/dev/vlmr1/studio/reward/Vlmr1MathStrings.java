package dev.vlmr1.studio.reward;

import java.math.BigInteger;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * The string half of VLM-R1's {@code utils/math.py} (from lm-evaluation-harness' hendrycks_math): the last
 * {@code \boxed{}} of an answer and {@code is_equiv} by {@code strip_string} normalisation, step for step, Python's
 * exceptions included (where VLM-R1 catches one, the comparison falls back as there).
 */
final class Vlmr1MathStrings {

	/** What {@code strip_string} raises on; {@code is_equiv} then compares the raw strings. */
	private static final class Raised extends RuntimeException {

		private static final long serialVersionUID = 1L;

		Raised() {
			super(null, null, false, false);
		}

	}

	private Vlmr1MathStrings() {
	}

	/**
	 * {@code remove_boxed(last_boxed_only_string(s))}: the inside of the last box; {@code s} itself when it has
	 * none; null where {@code remove_boxed}'s assertions fail (a {@code \fbox}), which makes VLM-R1 score 0.
	 */
	static @Nullable String lastBoxedContent(String s) {
		@Nullable String boxed = lastBoxedOnly(s);
		if (boxed == null) {
			return s;
		}
		if (boxed.contains("\\boxed ")) {
			return boxed.startsWith("\\boxed ") ? boxed.substring("\\boxed ".length()) : null;
		}
		String left = "\\boxed{";
		if (!boxed.startsWith(left) || !boxed.endsWith("}")) {
			return null;
		}
		return boxed.substring(left.length(), boxed.length() - 1);
	}

	/** {@code last_boxed_only_string}. */
	static @Nullable String lastBoxedOnly(String s) {
		int idx = s.lastIndexOf("\\boxed");
		if (s.contains("\\boxed ")) {
			String[] parts = s.split(Pattern.quote("\\boxed "), -1);
			return "\\boxed " + parts[parts.length - 1].split(Pattern.quote("$"), -1)[0];
		}
		if (idx < 0) {
			idx = s.lastIndexOf("\\fbox");
			if (idx < 0) {
				return null;
			}
		}
		int open = 0;
		for (int i = idx; i < s.length(); i++) {
			if (s.charAt(i) == '{') {
				open++;
			}
			if (s.charAt(i) == '}') {
				open--;
				if (open == 0) {
					return s.substring(idx, i + 1);
				}
			}
		}
		return null;
	}

	/** {@code is_equiv(a, b)}. */
	static boolean isEquiv(@Nullable String a, @Nullable String b) {
		if (a == null || b == null) {
			return a == null && b == null;
		}
		try {
			return strip(a).equals(strip(b));
		}
		catch (Raised ex) {
			return a.equals(b);
		}
	}

	/** {@code strip_string}. */
	static String strip(String input) {
		String s = input.replace("\n", "");
		s = s.replace("\\!", "");
		s = s.replace("\\\\", "\\");
		s = s.replace("tfrac", "frac").replace("dfrac", "frac");
		s = s.replace("\\left", "").replace("\\right", "");
		s = s.replace("^{\\circ}", "").replace("^\\circ", "");
		s = s.replace("\\$", "");
		s = removeRightUnits(s);
		s = s.replace("\\%", "");
		s = s.replace(" .", " 0.").replace("{.", "{0.");
		if (s.isEmpty()) {
			return s;
		}
		if (s.charAt(0) == '.') {
			s = "0" + s;
		}
		String[] eq = s.split("=", -1);
		if (eq.length == 2 && eq[0].codePointCount(0, eq[0].length()) <= 2) {
			s = eq[1];
		}
		s = fixSqrt(s);
		s = s.replace(" ", "");
		s = fixFracs(s);
		if (s.equals("0.5")) {
			s = "\\frac{1}{2}";
		}
		return fixSlash(s);
	}

	private static String removeRightUnits(String s) {
		if (!s.contains("\\text{ ")) {
			return s;
		}
		String[] splits = s.split(Pattern.quote("\\text{ "), -1);
		if (splits.length != 2) {
			throw new Raised();
		}
		return splits[0];
	}

	private static String fixSqrt(String s) {
		if (!s.contains("\\sqrt")) {
			return s;
		}
		String[] splits = s.split(Pattern.quote("\\sqrt"), -1);
		StringBuilder out = new StringBuilder(splits[0]);
		for (int i = 1; i < splits.length; i++) {
			String split = splits[i];
			if (split.isEmpty()) {
				throw new Raised();
			}
			int first = split.codePointAt(0);
			if (first != '{') {
				out.append("\\sqrt{").appendCodePoint(first).append('}').append(split.substring(Character.charCount(first)));
			}
			else {
				out.append("\\sqrt").append(split);
			}
		}
		return out.toString();
	}

	private static String fixFracs(String string) {
		String[] substrs = string.split(Pattern.quote("\\frac"), -1);
		StringBuilder out = new StringBuilder(substrs[0]);
		for (int i = 1; i < substrs.length; i++) {
			out.append("\\frac");
			int[] sub = PyText.codePoints(substrs[i]);
			if (sub.length == 0) {
				throw new Raised();
			}
			if (sub[0] == '{') {
				out.append(substrs[i]);
				continue;
			}
			if (sub.length < 2) {
				return string;
			}
			String a = Character.toString(sub[0]);
			String b = Character.toString(sub[1]);
			String rest = new String(sub, 2, sub.length - 2);
			if (sub[1] != '{') {
				out.append('{').append(a).append("}{").append(b).append('}').append(rest);
			}
			else {
				out.append('{').append(a).append('}').append(b).append(rest);
			}
		}
		return out.toString();
	}

	/** {@code fix_a_slash_b}: "a/b" of two Python ints written plainly becomes \frac{a}{b}; int() failing raises. */
	private static String fixSlash(String s) {
		String[] parts = s.split("/", -1);
		if (parts.length != 2) {
			return s;
		}
		if (!isPyInt(parts[0]) || !isPyInt(parts[1])) {
			throw new Raised();
		}
		String plain = pyInt(parts[0]) + "/" + pyInt(parts[1]);
		return s.equals(plain) ? "\\frac{" + parts[0] + "}{" + parts[1] + "}" : s;
	}

	/** {@code int(s)} of text {@link #isPyInt} accepts. */
	private static BigInteger pyInt(String s) {
		StringBuilder ascii = new StringBuilder();
		PyText.strip(s).codePoints().filter((cp) -> cp != '_')
			.forEach((cp) -> ascii.append(Character.isDigit(cp) ? (char) ('0' + Character.digit(cp, 10)) : (char) cp));
		return new BigInteger(ascii.toString().startsWith("+") ? ascii.substring(1) : ascii.toString());
	}

	/** Whether Python's {@code int()} accepts the text (sign, digits, underscores between digits, whitespace). */
	private static boolean isPyInt(String s) {
		String t = PyText.strip(s);
		return t.matches("[+-]?\\p{Nd}(?:_?\\p{Nd})*");
	}

}

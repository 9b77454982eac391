package dev.vlmr1.studio.reward;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * Text operations as Python 3 performs them on {@code str}, which VLM-R1's reward code relies on: whitespace is
 * what {@code str.isspace()} accepts (no-break spaces and U+0085 included, unlike Java's {@code \s} and
 * {@code Character.isWhitespace}), digits are any Unicode decimal digit, and lengths and positions count code
 * points, not UTF-16 units.
 */
final class PyText {

	/** Python's {@code \s} for str patterns, as a Java character class body. */
	static final String SPACE_CLASS = "\\t\\n\\x0B\\f\\r\\x1C-\\x20\\x85\\xA0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F"
			+ "\\u205F\\u3000";

	/** Python's {@code \s}. */
	static final String SPACE = "[" + SPACE_CLASS + "]";

	/** Python's {@code \d} (Unicode category Nd). */
	static final String DIGIT = "\\p{Nd}";

	private static final Pattern FLOAT = Pattern.compile(
			"[+-]?(?:(?:\\d(?:_?\\d)*)(?:\\.(?:\\d(?:_?\\d)*)?)?|\\.\\d(?:_?\\d)*)(?:[eE][+-]?\\d(?:_?\\d)*)?");

	private static final Pattern SPECIAL_FLOAT = Pattern.compile("([+-]?)(inf|infinity|nan)",
			Pattern.CASE_INSENSITIVE);

	private PyText() {
	}

	/** {@code chr(cp).isspace()}. */
	static boolean isSpace(int cp) {
		return (cp >= 0x09 && cp <= 0x0D) || (cp >= 0x1C && cp <= 0x20) || cp == 0x85 || cp == 0xA0 || cp == 0x1680
				|| (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F
				|| cp == 0x3000;
	}

	/** {@code s.strip()}. */
	static String strip(String s) {
		int start = 0;
		int end = s.length();
		while (start < end && isSpace(s.charAt(start))) {
			start++;
		}
		while (end > start && isSpace(s.charAt(end - 1))) {
			end--;
		}
		return s.substring(start, end);
	}

	/** {@code s.split()}: the runs of non-whitespace. */
	static List<String> split(String s) {
		List<String> out = new ArrayList<>();
		int i = 0;
		while (i < s.length()) {
			while (i < s.length() && isSpace(s.charAt(i))) {
				i++;
			}
			int start = i;
			while (i < s.length() && !isSpace(s.charAt(i))) {
				i++;
			}
			if (i > start) {
				out.add(s.substring(start, i));
			}
		}
		return out;
	}

	/** {@code s.lower()}. */
	static String lower(String s) {
		return s.toLowerCase(Locale.ROOT);
	}

	/** {@code s.upper()}. */
	static String upper(String s) {
		return s.toUpperCase(Locale.ROOT);
	}

	/** {@code s.rstrip(".")}. */
	static String rstripDots(String s) {
		int end = s.length();
		while (end > 0 && s.charAt(end - 1) == '.') {
			end--;
		}
		return s.substring(0, end);
	}

	/**
	 * {@code float(s)}: surrounding whitespace, a sign, Unicode decimal digits, single underscores between digits,
	 * an exponent, {@code inf}/{@code infinity}/{@code nan}; null where Python raises ValueError.
	 */
	static @Nullable Double toFloat(String s) {
		String t = strip(s);
		StringBuilder ascii = new StringBuilder(t.length());
		t.codePoints().forEach((cp) -> {
			int d = Character.isDigit(cp) ? Character.digit(cp, 10) : -1;
			ascii.appendCodePoint((d >= 0) ? '0' + d : cp);
		});
		String a = ascii.toString();
		Matcher special = SPECIAL_FLOAT.matcher(a);
		if (special.matches()) {
			boolean negative = special.group(1).equals("-");
			if (special.group(2).equalsIgnoreCase("nan")) {
				return Double.NaN;
			}
			return negative ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
		}
		if (!FLOAT.matcher(a).matches()) {
			return null;
		}
		return Double.parseDouble(a.replace("_", ""));
	}

	/** The code points of a string, so that positions and lengths count as Python's do. */
	static int[] codePoints(String s) {
		return s.codePoints().toArray();
	}

}

package dev.vlmr1.studio.security;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Tuple;

/**
 * What a hostile client sends instead of a sensible value: jqwik generators of strings (NUL and other control
 * characters, lone surrogates, other scripts, very long, path traversal, injection syntax), numbers (overflowing
 * int and long, negative, NaN-like, huge exponents) and raw JSON (wrong types, deep nesting, truncated).
 */
final class HostileValues {

	private HostileValues() {
	}

	/** A value as text (for paths, parameters, headers, multipart fields) and as a raw JSON token (for bodies). */
	record Hostile(String text, String json) {

		@Override
		public String toString() {
			String shown = text.length() > 80 ? text.substring(0, 80) + "…(" + text.length() + " chars)" : text;
			return escape(shown) + " | json " + escape(json.length() > 80 ? json.substring(0, 80) + "…" : json);
		}

	}

	static Arbitrary<Hostile> values() {
		return Arbitraries.frequencyOf(Tuple.of(4, strings().map(s -> new Hostile(s, quoted(s)))),
				Tuple.of(3, numbers().map(n -> new Hostile(n, n))), Tuple.of(2, rawJson().map(j -> new Hostile(j, j))));
	}

	static Arbitrary<String> strings() {
		return Arbitraries.oneOf(
				Arbitraries.of("\u0000", "a\u0000b", "\u0001\u001f\u007f", "\u0085\u009b", "\ud800", "x\udc00y",
						"\ud83d\ude00", "\u00e9t\u00e9 \u4e2d\u6587 \u0627\u0644\u0639\u0631\u0628\u064a\u0629", "\u202e\ufeff\u200b",
						"\u0661\u0662\u0663", "", " ", "\t\r\n", "../../../../etc/passwd", "..\\..\\windows\\win.ini",
						"/etc/passwd", "file:///etc/passwd", "C:\\boot.ini", "%00", "%2e%2e%2f", "..%2f..%2f", "a/../../b",
						"' OR '1'='1", "1; DROP TABLE users; --", "<script>alert(1)</script>", "${jndi:ldap://x/a}",
						"{{7*7}}", "=HYPERLINK(\"http://x\")", "null", "true", "[]", "{}", "*", "W/\"1\""),
				Arbitraries.strings().all().ofMaxLength(40),
				Arbitraries.strings().withChars("a\u00e9/.\u0000-_ %").ofMinLength(1).ofMaxLength(20),
				Arbitraries.integers().between(101, 70_000).map(n -> "\u00e9".repeat(n)),
				Arbitraries.integers().between(256, 5_000).map(n -> "a/".repeat(n / 2) + "b".repeat(n)));
	}

	static Arbitrary<String> numbers() {
		return Arbitraries.oneOf(
				Arbitraries.of("0", "-0", "-1", "1", "2147483647", "2147483648", "-2147483648", "-2147483649",
						"9223372036854775807", "9223372036854775808", "-9223372036854775809", "99999999999999999999999",
						"1e308", "1e309", "-1e309", "4.9e-325", "0.5", "-0.0", "1.0", "NaN", "Infinity", "-Infinity",
						"0x7fffffff", "1_000", "00012", "+5", "1e2147483648"),
				Arbitraries.longs().map(Object::toString),
				Arbitraries.integers().map(Object::toString),
				Arbitraries.doubles().map(Object::toString));
	}

	static Arbitrary<String> rawJson() {
		return Arbitraries.oneOf(
				Arbitraries.of("null", "true", "[]", "{}", "[null]", "{\"a\": null}", "\"\"", "[1, \"a\", {}]",
						"{\"name\": \"\\u0000\"}", "[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]", "\"\\ud800\"", "{\"$ref\": \"#\"}"),
				Arbitraries.integers().between(100, 5_000).map(n -> "[".repeat(n) + "]".repeat(n)),
				Arbitraries.integers().between(1, 2_000).map(n -> "[" + "1,".repeat(n) + "1]"));
	}

	/** {@code s} as a JSON string literal: every character survives, NUL and lone surrogates included. */
	static String quoted(String s) {
		StringBuilder out = new StringBuilder("\"");
		for (int i = 0; i < s.length(); i++) {
			char c = s.charAt(i);
			if (c == '"' || c == '\\') {
				out.append('\\').append(c);
			}
			else if (c < 0x20 || Character.isSurrogate(c) || c == 0x7f) {
				out.append(String.format("\\u%04x", (int) c));
			}
			else {
				out.append(c);
			}
		}
		return out.append('"').toString();
	}

	static String escape(String s) {
		StringBuilder out = new StringBuilder();
		s.chars().forEach(c -> out.append(c < 0x20 || c == 0x7f || Character.isSurrogate((char) c)
				? String.format("\\u%04x", c) : String.valueOf((char) c)));
		return out.toString();
	}

}

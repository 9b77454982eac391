package dev.vlmr1.studio.security;

import java.util.List;
import java.util.SplittableRandom;

/**
 * What a hostile client sends instead of a sensible value: strings (NUL and other control characters, lone
 * surrogates, other scripts, very long, path traversal, injection syntax), numbers (overflowing int and long,
 * negative, NaN-like, huge exponents) and raw JSON (wrong types, deep nesting, truncated). Drawn from a seeded
 * {@link SplittableRandom}, so the same seed gives the same values and a failure can be replayed.
 */
final class HostileValues {

	private static final List<String> STRINGS = List.of("\u0000", "a\u0000b", "\u0001\u001f\u007f", "\u0085\u009b",
			"\ud800", "x\udc00y", "\ud83d\ude00", "\u00e9t\u00e9 \u4e2d\u6587 \u0627\u0644\u0639\u0631\u0628\u064a\u0629",
			"\u202e\ufeff\u200b", "\u0661\u0662\u0663", "", " ", "\t\r\n", "../../../../etc/passwd",
			"..\\..\\windows\\win.ini", "/etc/passwd", "file:///etc/passwd", "C:\\boot.ini", "%00", "%2e%2e%2f",
			"..%2f..%2f", "a/../../b", "' OR '1'='1", "1; DROP TABLE users; --", "<script>alert(1)</script>",
			"${jndi:ldap://x/a}", "{{7*7}}", "=HYPERLINK(\"http://x\")", "null", "true", "[]", "{}", "*", "W/\"1\"");

	private static final List<String> NUMBERS = List.of("0", "-0", "-1", "1", "2147483647", "2147483648",
			"-2147483648", "-2147483649", "9223372036854775807", "9223372036854775808", "-9223372036854775809",
			"99999999999999999999999", "1e308", "1e309", "-1e309", "4.9e-325", "0.5", "-0.0", "1.0", "NaN", "Infinity",
			"-Infinity", "0x7fffffff", "1_000", "00012", "+5", "1e2147483648");

	private static final List<String> RAW_JSON = List.of("null", "true", "[]", "{}", "[null]", "{\"a\": null}", "\"\"",
			"[1, \"a\", {}]", "{\"name\": \"\\u0000\"}", "[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]", "\"\\ud800\"",
			"{\"$ref\": \"#\"}");

	/** The characters of short strings built from path, space and NUL characters. */
	private static final String PATH_CHARS = "a\u00e9/.\u0000-_ %";

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

	/** A string, a number or raw JSON, in the ratio 4 : 3 : 2. */
	static Hostile next(SplittableRandom random) {
		int pick = random.nextInt(9);
		if (pick < 4) {
			String s = string(random);
			return new Hostile(s, quoted(s));
		}
		String token = pick < 7 ? number(random) : rawJson(random);
		return new Hostile(token, token);
	}

	static String string(SplittableRandom random) {
		return switch (random.nextInt(5)) {
			case 0 -> oneOf(STRINGS, random);
			case 1 -> anyChars(random, random.nextInt(41));
			case 2 -> fromChars(PATH_CHARS, random, random.nextInt(1, 21));
			case 3 -> "\u00e9".repeat(random.nextInt(101, 70_001));
			default -> {
				int n = random.nextInt(256, 5_001);
				yield "a/".repeat(n / 2) + "b".repeat(n);
			}
		};
	}

	static String number(SplittableRandom random) {
		return switch (random.nextInt(4)) {
			case 0 -> oneOf(NUMBERS, random);
			case 1 -> Long.toString(random.nextLong());
			case 2 -> Integer.toString(random.nextInt());
			// any bit pattern: NaN, infinities, subnormals and huge exponents included
			default -> Double.toString(random.nextBoolean() ? Double.longBitsToDouble(random.nextLong())
					: (random.nextDouble() - 0.5) * Math.pow(10, random.nextInt(-20, 21)));
		};
	}

	static String rawJson(SplittableRandom random) {
		return switch (random.nextInt(3)) {
			case 0 -> oneOf(RAW_JSON, random);
			case 1 -> {
				int n = random.nextInt(100, 5_001);
				yield "[".repeat(n) + "]".repeat(n);
			}
			default -> "[" + "1,".repeat(random.nextInt(1, 2_001)) + "1]";
		};
	}

	/**
	 * Characters from the whole basic plane, weighted towards the troublesome ones: C0 and C1 controls, DEL and lone
	 * surrogates as often as printable ASCII or anything else.
	 */
	private static String anyChars(SplittableRandom random, int length) {
		StringBuilder out = new StringBuilder(length);
		for (int i = 0; i < length; i++) {
			out.append((char) switch (random.nextInt(5)) {
				case 0 -> random.nextBoolean() ? random.nextInt(0x20) : 0x7f;
				case 1 -> random.nextInt(0x80, 0xa0);
				case 2 -> random.nextInt(0xd800, 0xe000);
				case 3 -> random.nextInt(0x20, 0x7f);
				default -> random.nextInt(0x10000);
			});
		}
		return out.toString();
	}

	private static String fromChars(String chars, SplittableRandom random, int length) {
		StringBuilder out = new StringBuilder(length);
		for (int i = 0; i < length; i++) {
			out.append(chars.charAt(random.nextInt(chars.length())));
		}
		return out.toString();
	}

	private static String oneOf(List<String> values, SplittableRandom random) {
		return values.get(random.nextInt(values.size()));
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

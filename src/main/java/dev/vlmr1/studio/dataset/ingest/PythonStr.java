package dev.vlmr1.studio.dataset.ingest;

import java.math.BigDecimal;
import java.util.Iterator;
import java.util.Map;

import tools.jackson.databind.JsonNode;

/**
 * Python's {@code str()} of a JSON value as {@code json.loads} gives it: what VLM-R1's loader makes of a solution that
 * is not a string. Lists and dicts print their items with {@code repr()} ({@code ['a', 1]}, {@code {'k': None}}),
 * booleans are {@code True}/{@code False}, null is {@code None}, a float keeps a {@code .0} and switches to
 * exponent notation outside [1e-4, 1e16) ({@code 1e+16}, {@code 1e-05}).
 */
final class PythonStr {

	private PythonStr() {
	}

	/** {@code str(value)}; a string value itself comes back unchanged, as {@code str} of a str does. */
	static String of(JsonNode value) {
		return value.isString() ? value.asString() : repr(value);
	}

	private static String repr(JsonNode value) {
		StringBuilder out = new StringBuilder();
		append(out, value);
		return out.toString();
	}

	private static void append(StringBuilder out, JsonNode value) {
		if (value.isNull() || value.isMissingNode()) {
			out.append("None");
		}
		else if (value.isBoolean()) {
			out.append(value.asBoolean() ? "True" : "False");
		}
		else if (value.isIntegralNumber()) {
			out.append(value.bigIntegerValue());
		}
		else if (value.isNumber()) {
			out.append(floatRepr(value.asDouble()));
		}
		else if (value.isString()) {
			out.append(stringRepr(value.asString()));
		}
		else if (value.isArray()) {
			out.append('[');
			for (int i = 0; i < value.size(); i++) {
				out.append(i == 0 ? "" : ", ");
				append(out, value.get(i));
			}
			out.append(']');
		}
		else {
			out.append('{');
			Iterator<Map.Entry<String, JsonNode>> fields = value.properties().iterator();
			boolean first = true;
			while (fields.hasNext()) {
				Map.Entry<String, JsonNode> field = fields.next();
				out.append(first ? "" : ", ").append(stringRepr(field.getKey())).append(": ");
				append(out, field.getValue());
				first = false;
			}
			out.append('}');
		}
	}

	/** {@code repr(float)}: the shortest digits that read back, Python's choice of notation. */
	static String floatRepr(double value) {
		if (Double.isNaN(value)) {
			return "nan";
		}
		if (Double.isInfinite(value)) {
			return value > 0 ? "inf" : "-inf";
		}
		if (value == 0) {
			return 1 / value < 0 ? "-0.0" : "0.0";
		}
		BigDecimal digits = new BigDecimal(Double.toString(value)).stripTrailingZeros();
		double magnitude = Math.abs(value);
		if (magnitude >= 1e-4 && magnitude < 1e16) {
			String plain = digits.toPlainString();
			return plain.contains(".") ? plain : plain + ".0";
		}
		String unscaled = digits.unscaledValue().abs().toString();
		int exponent = unscaled.length() - 1 - digits.scale();
		String mantissa = unscaled.length() == 1 ? unscaled : unscaled.charAt(0) + "." + unscaled.substring(1);
		return (value < 0 ? "-" : "") + mantissa + "e" + (exponent < 0 ? "-" : "+")
				+ String.format("%02d", Math.abs(exponent));
	}

	/** {@code repr(str)}: single quotes unless the text has one and no double quote; escapes as Python writes them. */
	static String stringRepr(String text) {
		char quote = text.indexOf('\'') >= 0 && text.indexOf('"') < 0 ? '"' : '\'';
		StringBuilder out = new StringBuilder().append(quote);
		text.codePoints().forEach((c) -> {
			switch (c) {
				case '\\' -> out.append("\\\\");
				case '\n' -> out.append("\\n");
				case '\r' -> out.append("\\r");
				case '\t' -> out.append("\\t");
				default -> {
					if (c == quote) {
						out.append('\\').append((char) c);
					}
					else if (printable(c)) {
						out.appendCodePoint(c);
					}
					else if (c <= 0xff) {
						out.append(String.format("\\x%02x", c));
					}
					else if (c <= 0xffff) {
						out.append(String.format("\\u%04x", c));
					}
					else {
						out.append(String.format("\\U%08x", c));
					}
				}
			}
		});
		return out.append(quote).toString();
	}

	/** Python's {@code str.isprintable()} for one character: not a control, format, separator (but space) or unassigned. */
	private static boolean printable(int c) {
		if (c == ' ') {
			return true;
		}
		return switch (Character.getType(c)) {
			case Character.CONTROL, Character.FORMAT, Character.SURROGATE, Character.PRIVATE_USE, Character.UNASSIGNED,
					Character.SPACE_SEPARATOR, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR -> false;
			default -> true;
		};
	}

}

package dev.vlmr1.studio.run;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * One hyperparameter a run accepts (GRPO.md / TRL names), with its type, VLM-R1's default and its bounds.
 *
 * @param kind the JSON type
 * @param defaultValue used when the request omits it; null means "derived" (e.g. {@code epsilon_high} =
 * {@code epsilon})
 * @param min lower bound, or null
 * @param minExclusive whether {@code min} itself is refused ({@code learning_rate > 0})
 * @param max upper bound (inclusive); null only for {@code BOOL} and {@code CHOICE}
 * @param choices the values a {@code CHOICE} accepts
 */
record Hyperparameter(String name, Kind kind, @Nullable Object defaultValue, @Nullable Double min,
		boolean minExclusive, @Nullable Double max, List<String> choices, String description) {

	enum Kind {

		INT, NUMBER, BOOL, CHOICE

	}

	/** An integer in [min, max]; every number has an upper bound a real run could use (issue 11 class 7). */
	static Hyperparameter integer(String name, int def, int min, int max, String description) {
		return new Hyperparameter(name, Kind.INT, def, (double) min, false, (double) max, List.of(), description);
	}

	/** A number in (0, max]. */
	static Hyperparameter positive(String name, double def, double max, String description) {
		return new Hyperparameter(name, Kind.NUMBER, def, 0.0, true, max, List.of(), description);
	}

	static Hyperparameter number(String name, @Nullable Double def, double min, boolean minExclusive, double max,
			String description) {
		return new Hyperparameter(name, Kind.NUMBER, def, min, minExclusive, max, List.of(), description);
	}

	static Hyperparameter bool(String name, boolean def, String description) {
		return new Hyperparameter(name, Kind.BOOL, def, null, false, null, List.of(), description);
	}

	static Hyperparameter choice(String name, String def, List<String> choices, String description) {
		return new Hyperparameter(name, Kind.CHOICE, def, null, false, null, choices, description);
	}

	/** The value normalised to Integer/Double/Boolean/String, or the problem as a message. */
	Object check(@Nullable Object value) throws IllegalArgumentException {
		if (value == null) {
			throw new IllegalArgumentException("must not be null");
		}
		return switch (kind) {
			case INT -> {
				if (!(value instanceof Number n) || !isIntegral(n)) {
					throw wrongType("an integer", value);
				}
				yield (Integer) (int) bounded(n.doubleValue());
			}
			case NUMBER -> {
				if (!(value instanceof Number n) || !Double.isFinite(n.doubleValue())) {
					throw wrongType("a finite number", value);
				}
				yield bounded(n.doubleValue());
			}
			case BOOL -> {
				if (!(value instanceof Boolean b)) {
					throw wrongType("true or false", value);
				}
				yield b;
			}
			case CHOICE -> {
				if (!(value instanceof String s) || !choices.contains(s)) {
					throw new IllegalArgumentException("must be one of " + String.join(", ", choices) + "; got "
							+ describe(value));
				}
				yield s;
			}
		};
	}

	private double bounded(double v) {
		if (min != null && (minExclusive ? v <= min : v < min)) {
			throw new IllegalArgumentException("must be " + (minExclusive ? "> " : "≥ ") + format(min) + "; got "
					+ format(v));
		}
		if (max != null && v > max) {
			throw new IllegalArgumentException("must be ≤ " + format(max) + "; got " + format(v));
		}
		return v;
	}

	private static boolean isIntegral(Number n) {
		if (n instanceof Integer || n instanceof Long || n instanceof Short) {
			return n.longValue() >= Integer.MIN_VALUE && n.longValue() <= Integer.MAX_VALUE;
		}
		double d = n.doubleValue();
		return Double.isFinite(d) && d == Math.rint(d) && Math.abs(d) <= Integer.MAX_VALUE;
	}

	private static IllegalArgumentException wrongType(String expected, Object value) {
		return new IllegalArgumentException("must be " + expected + "; got " + describe(value));
	}

	static String describe(Object value) {
		if (value instanceof String s) {
			return "the string \"" + s + "\"";
		}
		if (value instanceof Number n) {
			return "the number " + format(n.doubleValue());
		}
		if (value instanceof Boolean) {
			return "the boolean " + value;
		}
		return value instanceof java.util.Map ? "an object" : value instanceof java.util.List ? "an array" : "" + value;
	}

	static String format(double v) {
		return (v == Math.rint(v) && Math.abs(v) < 1e15) ? Long.toString((long) v) : Double.toString(v);
	}

}

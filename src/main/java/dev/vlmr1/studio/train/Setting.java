package dev.vlmr1.studio.train;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * One training setting (GRPO.md / TRL names): its JSON type, VLM-R1's default, its bounds, what it means, which
 * kinds of run read it and whether the comparison page shows it. {@link TrainingSpec} lists them all.
 *
 * @param kind the JSON type
 * @param defaultValue used when a run omits it; null means "derived" (e.g. {@code epsilon_high} = {@code epsilon})
 * @param min lower bound, or null
 * @param minExclusive whether {@code min} itself is refused ({@code learning_rate > 0})
 * @param max upper bound (inclusive); null only for {@code BOOL} and {@code CHOICE}
 * @param choices the values a {@code CHOICE} accepts
 * @param usedBy the kinds of run something reads it in; any other kind refuses a value other than the default
 * @param compared whether the comparison page shows it side by side
 */
public record Setting(String name, Kind kind, @Nullable Object defaultValue, @Nullable Double min,
		boolean minExclusive, @Nullable Double max, List<String> choices, String description, Set<RunKind> usedBy,
		boolean compared) {

	public enum Kind {

		INT, NUMBER, BOOL, CHOICE

	}

	private static final Set<RunKind> ALL_KINDS = EnumSet.allOf(RunKind.class);

	public Setting {
		usedBy = Set.copyOf(usedBy);
		choices = List.copyOf(choices);
	}

	/** An integer in [min, max]; every number has an upper bound a real run could use (issue 11 class 7). */
	static Setting integer(String name, @Nullable Integer def, int min, int max, String description) {
		return new Setting(name, Kind.INT, def, (double) min, false, (double) max, List.of(), description, ALL_KINDS,
				false);
	}

	/** A number in (0, max]. */
	static Setting positive(String name, double def, double max, String description) {
		return new Setting(name, Kind.NUMBER, def, 0.0, true, max, List.of(), description, ALL_KINDS, false);
	}

	static Setting number(String name, @Nullable Double def, double min, boolean minExclusive, double max,
			String description) {
		return new Setting(name, Kind.NUMBER, def, min, minExclusive, max, List.of(), description, ALL_KINDS, false);
	}

	static Setting bool(String name, boolean def, String description) {
		return new Setting(name, Kind.BOOL, def, null, false, null, List.of(), description, ALL_KINDS, false);
	}

	static Setting choice(String name, String def, List<String> choices, String description) {
		return new Setting(name, Kind.CHOICE, def, null, false, null, choices, description, ALL_KINDS, false);
	}

	/** The same setting, read only by runs of these kinds. */
	Setting readBy(RunKind first, RunKind... rest) {
		return new Setting(name, kind, defaultValue, min, minExclusive, max, choices, description,
				EnumSet.of(first, rest), compared);
	}

	/**
	 * The same setting, declared but read by no run yet: only its default is accepted, so a run never asks for what
	 * the trainer does not do.
	 */
	Setting notReadYet() {
		return new Setting(name, kind, defaultValue, min, minExclusive, max, choices, description,
				EnumSet.noneOf(RunKind.class), compared);
	}

	/** The same setting, shown on the comparison page. */
	Setting onComparisonPage() {
		return new Setting(name, kind, defaultValue, min, minExclusive, max, choices, description, usedBy, true);
	}

	public boolean isUsedBy(RunKind runKind) {
		return usedBy.contains(runKind);
	}

	/** The command-line option: {@code --per-device-train-batch-size}. */
	public String option() {
		return "--" + name.replace('_', '-');
	}

	/** The value normalised to Integer/Double/Boolean/String, or the problem as a message. */
	public Object check(@Nullable Object value) throws IllegalArgumentException {
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

	/**
	 * A command-line value as the JSON value it stands for ({@code "4"} → 4, {@code "true"} → true); text that is
	 * not of the setting's type stays text, so {@link #check} names the problem.
	 */
	public Object parse(String text) {
		String t = text.strip();
		try {
			return switch (kind) {
				case INT, NUMBER -> t.matches("[+-]?\\d+") ? (Object) Long.parseLong(t) : (Object) Double.parseDouble(t);
				case BOOL -> t.equals("true") || t.equals("false") ? (Object) Boolean.parseBoolean(t) : t;
				case CHOICE -> t;
			};
		}
		catch (NumberFormatException ex) {
			return t;
		}
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

	/** A value as an error message names it: {@code the string "x"}, {@code the number 4}. */
	public static String describe(@Nullable Object value) {
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

	/** Kinds as the API names them, for messages: {@code grpo or sft}. */
	String usedByText() {
		return String.join(" and ", usedBy.stream().sorted().map(RunKind::id).toList()) + " runs";
	}

}

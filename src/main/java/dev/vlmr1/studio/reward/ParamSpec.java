package dev.vlmr1.studio.reward;

import java.util.List;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

/**
 * A typed parameter of a reward function.
 *
 * @param name parameter name as written in {@code params}
 * @param type JSON type
 * @param defaultValue value used when the parameter is absent (Integer, Double, Boolean or String)
 * @param allowedValues the values an {@code enum} parameter accepts (empty for other types)
 * @param min inclusive lower bound of an {@code int}/{@code number} parameter, or null
 * @param max inclusive upper bound of an {@code int}/{@code number} parameter, or null
 * @param description one sentence for the UI
 */
public record ParamSpec(String name, ParamType type, Object defaultValue, List<String> allowedValues,
		@Nullable Double min, @Nullable Double max, String description) {

	public ParamSpec {
		allowedValues = List.copyOf(allowedValues);
	}

	public static ParamSpec integer(String name, int defaultValue, int min, int max, String description) {
		return new ParamSpec(name, ParamType.INT, defaultValue, List.of(), (double) min, (double) max, description);
	}

	public static ParamSpec number(String name, double defaultValue, double min, double max, String description) {
		return new ParamSpec(name, ParamType.NUMBER, defaultValue, List.of(), min, max, description);
	}

	public static ParamSpec bool(String name, boolean defaultValue, String description) {
		return new ParamSpec(name, ParamType.BOOLEAN, defaultValue, List.of(), null, null, description);
	}

	public static ParamSpec choice(String name, String defaultValue, List<String> allowed, String description) {
		return new ParamSpec(name, ParamType.ENUM, defaultValue, allowed, null, null, description);
	}

	/**
	 * Checks one value against this spec.
	 * @return the problem, or empty when the value is acceptable
	 */
	public Optional<String> check(@Nullable Object value) {
		if (value == null) {
			return Optional.of("must be a " + type + ", got null");
		}
		return switch (type) {
			case INT -> checkInt(value);
			case NUMBER -> checkNumber(value);
			case BOOLEAN -> (value instanceof Boolean) ? Optional.empty() : wrongType(value);
			case STRING -> (value instanceof String) ? Optional.empty() : wrongType(value);
			case ENUM -> checkEnum(value);
		};
	}

	private Optional<String> checkInt(Object value) {
		// JSON has one number type; 3.0 is accepted as the integer 3, 3.5 is not.
		if (!(value instanceof Number n) || !isIntegral(n)) {
			return wrongType(value);
		}
		return checkRange(n.doubleValue());
	}

	private Optional<String> checkNumber(Object value) {
		if (!(value instanceof Number n)) {
			return wrongType(value);
		}
		if (!Double.isFinite(n.doubleValue())) {
			return Optional.of("must be a finite number, got " + value);
		}
		return checkRange(n.doubleValue());
	}

	private Optional<String> checkEnum(Object value) {
		if (!(value instanceof String s)) {
			return wrongType(value);
		}
		return allowedValues.contains(s) ? Optional.empty()
				: Optional.of("must be one of " + allowedValues + ", got \"" + s + "\"");
	}

	private Optional<String> checkRange(double v) {
		if ((min != null && v < min) || (max != null && v > max)) {
			return Optional.of("must be in [" + (min == null ? "-∞" : format(min)) + ", "
					+ (max == null ? "∞" : format(max)) + "], got " + format(v));
		}
		return Optional.empty();
	}

	private Optional<String> wrongType(Object value) {
		String got = (value instanceof String s) ? "string \"" + s + "\"" : typeName(value) + " " + value;
		return Optional.of("must be " + (type == ParamType.INT ? "an" : "a") + " " + type + ", got " + got);
	}

	static boolean isIntegral(Number n) {
		if (n instanceof Integer || n instanceof Long || n instanceof Short || n instanceof Byte) {
			return true;
		}
		double d = n.doubleValue();
		return Double.isFinite(d) && d == Math.rint(d) && Math.abs(d) <= Integer.MAX_VALUE;
	}

	private static String typeName(Object value) {
		if (value instanceof Boolean) {
			return "boolean";
		}
		if (value instanceof Number) {
			return "number";
		}
		return value.getClass().getSimpleName();
	}

	private static String format(double v) {
		return (v == Math.rint(v) && Math.abs(v) < 1e15) ? Long.toString((long) v) : Double.toString(v);
	}

}

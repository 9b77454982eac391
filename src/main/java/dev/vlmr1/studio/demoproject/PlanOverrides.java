package dev.vlmr1.studio.demoproject;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpStatus;

import dev.vlmr1.studio.experiment.ExperimentPlan;
import dev.vlmr1.studio.web.ApiProblem;

/**
 * A request's changes to {@link ExperimentPlan#standard()}: any numeric component of the plan by its record name
 * ({@code {"baseSteps": 200, "sftLearningRate": 5e-4}}), each checked against a range, every problem reported at
 * once as one RFC 9457 problem ({@code experiment-invalid}, {@code errors: [{field, message}]}). Read from the
 * record itself, so components the recipe gains later are overridable without a change here; the ones the
 * {@code experiment rl-vs-sft} command cannot set (the model's vocabulary and shape) are not.
 */
final class PlanOverrides {

	/** Components the command line has no option for: overriding them would make the experiment irreproducible. */
	private static final Set<String> FIXED = Set.of("vocabSize", "shape");

	private static final int MAX_SAMPLES = 20_000;

	private static final int MAX_COUNT = 100_000;

	private PlanOverrides() {
	}

	/** The names a request may override, in the record's order. */
	static List<String> overridable() {
		return Arrays.stream(ExperimentPlan.class.getRecordComponents())
			.filter(PlanOverrides::numeric)
			.map(RecordComponent::getName)
			.filter((n) -> !FIXED.contains(n))
			.toList();
	}

	/** {@code base} with {@code given} applied; values are JSON numbers (or, from a form, their text). */
	static ExperimentPlan apply(ExperimentPlan base, Map<String, ?> given) {
		RecordComponent[] components = ExperimentPlan.class.getRecordComponents();
		Object[] values = new Object[components.length];
		List<Map<String, String>> errors = new ArrayList<>();
		for (String name : given.keySet()) {
			if (!overridable().contains(name)) {
				errors.add(error(name, "unknown or fixed plan field; overridable: " + String.join(", ", overridable())));
			}
		}
		for (int i = 0; i < components.length; i++) {
			RecordComponent c = components[i];
			values[i] = read(c, base);
			if (given.containsKey(c.getName()) && overridable().contains(c.getName())) {
				Object value = given.get(c.getName());
				String problem = check(c, value);
				if (problem != null) {
					errors.add(error(c.getName(), problem));
				}
				else {
					values[i] = convert(c.getType(), value);
				}
			}
		}
		if (!errors.isEmpty()) {
			throw invalid(errors);
		}
		try {
			return ExperimentPlan.class.getDeclaredConstructor(
					Arrays.stream(components).map(RecordComponent::getType).toArray(Class<?>[]::new))
				.newInstance(values);
		}
		catch (InvocationTargetException ex) {
			throw invalid(List.of(error("plan", String.valueOf(ex.getCause().getMessage()))));
		}
		catch (ReflectiveOperationException ex) {
			throw new IllegalStateException("ExperimentPlan has no canonical constructor", ex);
		}
	}

	/** The plan as JSON-ready values by component name (the shape as its own record's components). */
	static Map<String, Object> toMap(ExperimentPlan plan) {
		Map<String, Object> out = new LinkedHashMap<>();
		for (RecordComponent c : ExperimentPlan.class.getRecordComponents()) {
			Object value = read(c, plan);
			if (value instanceof Record record) {
				Map<String, Object> nested = new LinkedHashMap<>();
				for (RecordComponent n : record.getClass().getRecordComponents()) {
					nested.put(n.getName(), read(n, record));
				}
				value = nested;
			}
			out.put(c.getName(), value);
		}
		return out;
	}

	private static @Nullable String check(RecordComponent c, @Nullable Object raw) {
		Object value = raw instanceof String text ? parse(text) : raw;
		if (!(value instanceof Number number)) {
			return "must be a number";
		}
		String name = c.getName();
		if (c.getType() == double.class) {
			double d = number.doubleValue();
			if (!Double.isFinite(d)) {
				return "must be finite";
			}
			if (name.endsWith("LearningRate")) {
				return d > 0 && d <= 1 ? null : "must be > 0 and ≤ 1; got " + d;
			}
			return d >= 0 && d <= 1_000 ? null : "must be between 0 and 1000; got " + d;
		}
		if (!(number instanceof Integer || number instanceof Long || number instanceof BigInteger)) {
			return "must be a whole number";
		}
		long min = switch (name) {
			case "seed" -> 0;
			case "generations" -> 2;
			case "maxCompletionLength" -> 8;
			default -> 1;
		};
		long max = name.equals("seed") ? Integer.MAX_VALUE : name.endsWith("Samples") ? MAX_SAMPLES : MAX_COUNT;
		boolean inRange = number instanceof BigInteger big
				? big.compareTo(BigInteger.valueOf(min)) >= 0 && big.compareTo(BigInteger.valueOf(max)) <= 0
				: number.longValue() >= min && number.longValue() <= max;
		return inRange ? null : "must be between " + min + " and " + max + "; got " + number;
	}

	private static @Nullable Number parse(String text) {
		try {
			return Long.parseLong(text.strip());
		}
		catch (NumberFormatException notWhole) {
			try {
				return Double.parseDouble(text.strip());
			}
			catch (NumberFormatException notNumber) {
				return null;
			}
		}
	}

	private static Object convert(Class<?> type, Object raw) {
		Number n = raw instanceof String text ? parse(text) : (Number) raw;
		if (type == int.class) {
			return n.intValue();
		}
		return type == long.class ? (Object) n.longValue() : (Object) n.doubleValue();
	}

	private static boolean numeric(RecordComponent c) {
		return c.getType() == int.class || c.getType() == long.class || c.getType() == double.class;
	}

	private static Object read(RecordComponent c, Object record) {
		try {
			return c.getAccessor().invoke(record);
		}
		catch (ReflectiveOperationException ex) {
			throw new IllegalStateException("cannot read " + c.getName(), ex);
		}
	}

	private static Map<String, String> error(String field, String message) {
		Map<String, String> error = new LinkedHashMap<>();
		error.put("field", field);
		error.put("message", message);
		return error;
	}

	private static ApiProblem invalid(List<Map<String, String>> errors) {
		return new ApiProblem(HttpStatus.BAD_REQUEST, "experiment-invalid", "Invalid experiment plan",
				String.join("; ", errors.stream().map((e) -> e.get("field") + " " + e.get("message")).toList()))
			.with("errors", errors);
	}

}

package dev.vlmr1.studio.reward;

import java.util.Map;

/**
 * A function's parameter values with the registry's defaults filled in. Assumes the term was validated, so
 * values have the right types.
 */
public final class RewardParams {

	private final RewardFunctionSpec spec;

	private final Map<String, Object> values;

	public RewardParams(RewardFunctionSpec spec, Map<String, Object> values) {
		this.spec = spec;
		this.values = Map.copyOf(values);
	}

	/** All defaults. */
	public static RewardParams defaults(RewardFunctionSpec spec) {
		return new RewardParams(spec, Map.of());
	}

	public double number(String name) {
		return ((Number) get(name)).doubleValue();
	}

	public int integer(String name) {
		return (int) Math.round(((Number) get(name)).doubleValue());
	}

	public boolean bool(String name) {
		return (Boolean) get(name);
	}

	public String string(String name) {
		return (String) get(name);
	}

	private Object get(String name) {
		ParamSpec p = spec.param(name)
			.orElseThrow(() -> new IllegalArgumentException(spec.name() + " has no parameter " + name));
		return values.getOrDefault(name, p.defaultValue());
	}

}

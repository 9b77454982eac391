package dev.vlmr1.studio.reward;

import java.util.List;
import java.util.Optional;

/**
 * What the registry knows about one reward function: its name, what it measures and its typed parameters.
 *
 * @param name the name used in configurations ({@code iou}, {@code od_length}, …)
 * @param kind format, accuracy or shaping
 * @param description one or two sentences for the UI
 * @param params typed parameters, each with a default
 */
public record RewardFunctionSpec(String name, RewardKind kind, String description, List<ParamSpec> params) {

	public RewardFunctionSpec {
		params = List.copyOf(params);
	}

	public Optional<ParamSpec> param(String paramName) {
		return params.stream().filter((p) -> p.name().equals(paramName)).findFirst();
	}

	public List<String> paramNames() {
		return params.stream().map(ParamSpec::name).toList();
	}

}

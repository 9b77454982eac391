package dev.vlmr1.studio.reward;

import java.util.List;
import java.util.stream.Collectors;

/** A reward configuration that cannot be used, with every problem found in it. */
public class InvalidRewardConfigException extends IllegalArgumentException {

	private final List<ConfigViolation> violations;

	public InvalidRewardConfigException(List<ConfigViolation> violations) {
		super("invalid reward configuration: "
				+ violations.stream().map(ConfigViolation::toString).collect(Collectors.joining("; ")));
		this.violations = List.copyOf(violations);
	}

	public List<ConfigViolation> violations() {
		return violations;
	}

}

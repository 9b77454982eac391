package dev.vlmr1.studio.reward;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

/**
 * Every reward function of REWARDS.md by name, with its description and typed parameters; reward configurations
 * are validated against it. Also maps a sample's {@code accu_reward_method} (ours or VLM-R1's names) to a function.
 */
public final class RewardRegistry {

	private static final RewardRegistry STANDARD = new RewardRegistry(RewardSpecs.all());

	/** VLM-R1's accu_reward_method names that differ from ours. */
	private static final Map<String, String> VLMR1_METHODS = Map.of("mcq", "choice", "all_match", "exact",
			"odLength", "od_length", "weighted_sum", "od_weighted");

	/**
	 * The method VLM-R1 writes when a dataset names none: the configuration's own accuracy function applies. (VLM-R1
	 * ran a math-verify/numeric/fuzzy cascade there; a configuration says explicitly what it wants instead.)
	 */
	public static final String DEFAULT_METHOD = "default";

	/**
	 * Largest weight of a term, either sign. Every score lies in [-10, 10] (length_cosine's range; the others in
	 * [-1, 1]), so a total of all functions at this weight stays far from Infinity: finite weights alone summed
	 * 1e308 + 1e308 to Infinity.
	 */
	public static final double MAX_WEIGHT = 1000;

	private final Map<String, RewardFunctionSpec> specs = new LinkedHashMap<>();

	private RewardRegistry(List<RewardFunctionSpec> specs) {
		specs.forEach((s) -> this.specs.put(s.name(), s));
	}

	/** The registry of REWARDS.md. */
	public static RewardRegistry standard() {
		return STANDARD;
	}

	/** All functions in display order. */
	public List<RewardFunctionSpec> functions() {
		return List.copyOf(specs.values());
	}

	public Optional<RewardFunctionSpec> find(String name) {
		return Optional.ofNullable(specs.get(name));
	}

	/**
	 * Maps a sample's {@code accu_reward_method} to an accuracy function name: our names are taken as they are,
	 * VLM-R1's ({@code mcq}, {@code all_match}, {@code odLength}, {@code weighted_sum}) are translated;
	 * {@code map} and {@code math} are functions of the same name.
	 * @return the function name, or empty when the method is {@code default}, unknown or not an accuracy function
	 */
	public Optional<String> accuracyFunctionFor(@Nullable String method) {
		if (method == null || method.isBlank()) {
			return Optional.empty();
		}
		String name = VLMR1_METHODS.getOrDefault(method, method);
		RewardFunctionSpec spec = specs.get(name);
		return (spec != null && spec.kind() == RewardKind.ACCURACY) ? Optional.of(name) : Optional.empty();
	}

	/** Every accu_reward_method a dataset row may carry (ours and VLM-R1's aliases). */
	public List<String> knownAccuracyMethods() {
		List<String> methods = new ArrayList<>(RewardSpecs.ACCURACY_NAMES);
		VLMR1_METHODS.keySet().stream().sorted().forEach(methods::add);
		methods.add(DEFAULT_METHOD);
		return methods;
	}

	/**
	 * The function a term stands for, with its parameters bound.
	 * @throws InvalidRewardConfigException when the term does not validate
	 */
	public RewardFunction create(RewardTerm term) {
		return create(term, this::defaultAccuracy);
	}

	RewardFunction create(RewardTerm term, AccuracyLookup lookup) {
		List<ConfigViolation> violations = validate(List.of(term));
		if (!violations.isEmpty()) {
			throw new InvalidRewardConfigException(violations);
		}
		RewardFunctionSpec spec = specs.get(term.function());
		return RewardFactory.create(spec.name(), new RewardParams(spec, term.params()), lookup);
	}

	/**
	 * Accuracy lookup outside a configuration: a named function with default parameters; {@code sample} means the
	 * sample's accu_reward_method, else {@code exact}.
	 */
	private RewardFunction defaultAccuracy(String requested, RewardSample sample) {
		String name = requested.equals("sample")
				? accuracyFunctionFor(sample.accuRewardMethod()).orElse("exact") : requested;
		return create(RewardTerm.of(name));
	}

	/**
	 * Checks a configuration and returns every problem at once (empty when valid): no terms, unknown function,
	 * duplicate function, weight not finite or beyond ±MAX_WEIGHT, unknown parameter, wrong parameter type, value out of range.
	 */
	public List<ConfigViolation> validate(List<RewardTerm> terms) {
		List<ConfigViolation> out = new ArrayList<>();
		if (terms.isEmpty()) {
			out.add(new ConfigViolation(-1, "", "at least one reward function is required"));
		}
		Map<String, Integer> firstIndex = new HashMap<>();
		for (int i = 0; i < terms.size(); i++) {
			validateTerm(i, terms.get(i), firstIndex, out);
		}
		return out;
	}

	private void validateTerm(int i, RewardTerm term, Map<String, Integer> firstIndex, List<ConfigViolation> out) {
		if (!Double.isFinite(term.weight())) {
			out.add(new ConfigViolation(i, "weight", "must be a finite number, got " + term.weight()));
		}
		else if (Math.abs(term.weight()) > MAX_WEIGHT) {
			out.add(new ConfigViolation(i, "weight", "must be in [-" + (int) MAX_WEIGHT + ", " + (int) MAX_WEIGHT
					+ "], got " + term.weight()));
		}
		String name = term.function();
		RewardFunctionSpec spec = specs.get(name);
		if (spec == null) {
			out.add(new ConfigViolation(i, "function", unknownFunction(name)));
			return;
		}
		Integer first = firstIndex.putIfAbsent(name, i);
		if (first != null) {
			out.add(new ConfigViolation(i, "function", "\"" + name + "\" already appears at [" + first
					+ "]; each function may appear once (its metrics are keyed by name)"));
		}
		term.params().keySet().stream().sorted().forEach((param) -> {
			Optional<ParamSpec> p = spec.param(param);
			if (p.isEmpty()) {
				out.add(new ConfigViolation(i, "params." + param, "unknown parameter of " + name + "; known: "
						+ (spec.params().isEmpty() ? "none" : String.join(", ", spec.paramNames()))));
			}
			else {
				p.get().check(term.params().get(param))
					.ifPresent((msg) -> out.add(new ConfigViolation(i, "params." + param, msg)));
			}
		});
	}

	private String unknownFunction(String name) {
		String lower = name.toLowerCase(Locale.ROOT);
		String hint = specs.containsKey(lower) ? " (did you mean \"" + lower + "\"?)" : "";
		return "unknown function \"" + name + "\"" + hint + "; known: " + String.join(", ", specs.keySet());
	}

}

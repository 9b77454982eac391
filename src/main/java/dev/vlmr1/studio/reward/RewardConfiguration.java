package dev.vlmr1.studio.reward;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import org.jspecify.annotations.Nullable;

/**
 * A validated list of weighted reward functions, ready to score. total = Σ weight·score. A sample's {@code
 * accu_reward_method} replaces each accuracy term by the function it names (with default parameters). A function
 * that throws scores 0 for that completion, and the error is kept and counted; it never stops scoring.
 * Thread-safe.
 */
public final class RewardConfiguration {

	private final RewardRegistry registry;

	private final List<RewardTerm> terms;

	private final List<RewardFunction> functions = new ArrayList<>();

	/** Accuracy functions with default parameters, built on first use by routing. */
	private final Map<String, RewardFunction> routed = new ConcurrentHashMap<>();

	/** What length_cosine's {@code accuracy: sample} falls back to: the first accuracy term, else exact. */
	private final String fallbackAccuracy;

	private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();

	private RewardConfiguration(List<RewardTerm> terms, RewardRegistry registry) {
		List<ConfigViolation> violations = registry.validate(terms);
		if (!violations.isEmpty()) {
			throw new InvalidRewardConfigException(violations);
		}
		this.registry = registry;
		this.terms = List.copyOf(terms);
		this.fallbackAccuracy = terms.stream()
			.map(RewardTerm::function)
			.filter(this::isAccuracy)
			.findFirst()
			.orElse("exact");
		for (RewardTerm term : terms) {
			functions.add(registry.create(term, this::accuracyFor));
			errors.put(term.function(), new LongAdder());
		}
	}

	/** @throws InvalidRewardConfigException with every violation */
	public static RewardConfiguration of(List<RewardTerm> terms, RewardRegistry registry) {
		return new RewardConfiguration(terms, registry);
	}

	/** Against the standard registry. */
	public static RewardConfiguration of(List<RewardTerm> terms) {
		return new RewardConfiguration(terms, RewardRegistry.standard());
	}

	/** Parses JSON and validates it against the standard registry. */
	public static RewardConfiguration parse(String json) {
		return of(RewardConfigParser.parseAndValidate(json, RewardRegistry.standard()));
	}

	public List<RewardTerm> terms() {
		return terms;
	}

	/** Configured function names, in order. */
	public List<String> functionNames() {
		return terms.stream().map(RewardTerm::function).toList();
	}

	/**
	 * Scores completion i against sample i (the trainer repeats each prompt's sample G times) and adds the errors
	 * to the running counts.
	 */
	public RewardBatch score(List<Completion> completions, List<RewardSample> samples) {
		return run(completions, samples, true);
	}

	/**
	 * Scores like {@link #score} without touching the running error counts: for users debugging a configuration on
	 * hand-written completions before a run. Each function's parse (extracted and rescaled box, detections, …) is
	 * in the result.
	 */
	public RewardBatch dryRun(List<Completion> completions, List<RewardSample> samples) {
		return run(completions, samples, false);
	}

	/** Errors per function since this configuration was built (by {@link #score} only). */
	public Map<String, Long> errorCounts() {
		Map<String, Long> out = new LinkedHashMap<>();
		terms.forEach((t) -> out.put(t.function(), errors.get(t.function()).sum()));
		return out;
	}

	private RewardBatch run(List<Completion> completions, List<RewardSample> samples, boolean count) {
		if (completions.size() != samples.size()) {
			throw new IllegalArgumentException(
					"one sample per completion: " + completions.size() + " completions, " + samples.size() + " samples");
		}
		Map<String, Integer> batchErrors = new LinkedHashMap<>();
		terms.forEach((t) -> batchErrors.put(t.function(), 0));
		List<CompletionScore> out = new ArrayList<>(completions.size());
		for (int i = 0; i < completions.size(); i++) {
			CompletionScore scored = scoreOne(completions.get(i), samples.get(i));
			for (FunctionScore f : scored.functions()) {
				if (f.failed()) {
					batchErrors.merge(f.function(), 1, Integer::sum);
					if (count) {
						errors.get(f.function()).increment();
					}
				}
			}
			out.add(scored);
		}
		return new RewardBatch(functionNames(), out, batchErrors);
	}

	private CompletionScore scoreOne(Completion completion, RewardSample sample) {
		List<FunctionScore> scores = new ArrayList<>(terms.size());
		double total = 0;
		for (int k = 0; k < terms.size(); k++) {
			RewardTerm term = terms.get(k);
			FunctionScore s = isolated(term, functions.get(k), completion, sample);
			total += term.weight() * s.score();
			scores.add(s);
		}
		return new CompletionScore(total, scores);
	}

	private FunctionScore isolated(RewardTerm term, RewardFunction configured, Completion completion,
			RewardSample sample) {
		@Nullable String routedTo = null;
		try {
			RewardFunction fn = configured;
			if (isAccuracy(term.function())) {
				fn = route(configured, sample);
				routedTo = fn.name().equals(term.function()) ? null : fn.name();
			}
			RewardResult r = fn.evaluate(completion, sample);
			if (!Double.isFinite(r.score())) {
				throw new ArithmeticException(fn.name() + " returned " + r.score());
			}
			return new FunctionScore(term.function(), term.weight(), r.score(), routedTo, r.parse(), null);
		}
		catch (RuntimeException ex) {
			String message = ex.getClass().getSimpleName() + ": " + ex.getMessage();
			return new FunctionScore(term.function(), term.weight(), 0, routedTo, null, message);
		}
	}

	/** The sample's accu_reward_method, when it names another accuracy function, replaces the configured one. */
	private RewardFunction route(RewardFunction configured, RewardSample sample) {
		String method = sample.accuRewardMethod();
		if (method == null || method.isBlank() || method.equals(RewardRegistry.DEFAULT_METHOD)) {
			return configured;
		}
		String name = registry.accuracyFunctionFor(method)
			.orElseThrow(() -> new IllegalArgumentException("unknown accu_reward_method \"" + method + "\""));
		return name.equals(configured.name()) ? configured : defaultInstance(name);
	}

	private RewardFunction accuracyFor(String requested, RewardSample sample) {
		if (!requested.equals("sample")) {
			return defaultInstance(requested);
		}
		String method = sample.accuRewardMethod();
		String name = registry.accuracyFunctionFor(method).orElse(fallbackAccuracy);
		int k = functionNames().indexOf(name);
		return (k >= 0) ? functions.get(k) : defaultInstance(name);
	}

	private RewardFunction defaultInstance(String name) {
		return routed.computeIfAbsent(name, (n) -> registry.create(RewardTerm.of(n), this::accuracyFor));
	}

	private boolean isAccuracy(@Nullable String function) {
		return function != null
				&& registry.find(function).map((s) -> s.kind() == RewardKind.ACCURACY).orElse(false);
	}

}

package dev.vlmr1.studio.plan;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import org.jspecify.annotations.Nullable;

import dev.vlmr1.studio.model.TorchDtype;

/**
 * A run's memory plan: the estimate against a worker's budget and, when it does not fit, the cheapest change that
 * does. Changes are tried in order, each alone on the run's settings, and the first that fits is named:
 * {@code lora_r=16}, a smaller {@code per_device_train_batch_size}, a smaller {@code max_completion_length},
 * {@code freeze_vision=true}, {@code beta=0}, {@code gradient_accumulation_steps=1}; when none fits alone, they are
 * combined in the same order up to the first combination that fits.
 *
 * @param required what the run needs of the worker (the budget's reserved part and the tensors)
 * @param suggestion the cheapest change that fits, or null when the run fits or nothing does
 */
public record MemoryPlan(MemoryEstimate estimate, MemoryBudget budget, long required, boolean fits,
		@Nullable Suggestion suggestion) {

	/**
	 * @param change the settings to change, as {@code name=value} joined by ", "
	 * @param values the changed settings
	 * @param required what the run needs with the change
	 */
	public record Suggestion(String change, Map<String, Object> values, long required) {
	}

	/** Smallest completion length the plan suggests. */
	static final int MIN_COMPLETION = 16;

	/** Plans a run of {@code kind} with hyperparameters {@code hp} (defaults filled in) on {@code model}. */
	public static MemoryPlan of(ModelShape model, String kind, Map<String, ?> hp, MemoryBudget budget) {
		MemoryEstimate estimate = MemoryPlanner.estimate(model, RunShape.of(kind, hp));
		long required = budget.required(estimate);
		boolean fits = required <= budget.capacityBytes();
		return new MemoryPlan(estimate, budget, required, fits, fits ? null : cheapestChange(model, kind, hp, budget));
	}

	/** "needs about 61 GiB; a worker has 20 GiB; with lora_r=16 about 17 GiB". */
	public String summary() {
		StringBuilder text = new StringBuilder("needs about " + ByteSize.format(required) + "; " + budget.worker()
				+ " has " + ByteSize.format(budget.capacityBytes()));
		if (suggestion != null) {
			text.append("; with ").append(suggestion.change()).append(" about ").append(ByteSize.format(suggestion.required()));
		}
		else if (!fits) {
			text.append("; no change of lora_r, torch_dtype, per_device_train_batch_size, max_completion_length, freeze_vision, beta "
					+ "or gradient_accumulation_steps fits: the run needs a worker with more memory");
		}
		return text.toString();
	}

	private static @Nullable Suggestion cheapestChange(ModelShape model, String kind, Map<String, ?> hp,
			MemoryBudget budget) {
		List<Map<String, Object>> candidates = candidates(kind, hp);
		Predicate<Map<String, Object>> fitting = (change) -> budget.fits(MemoryPlanner.estimate(model,
				RunShape.of(kind, merged(hp, change))));
		for (Map<String, Object> change : candidates) {
			if (valid(kind, hp, change) && fitting.test(change)) {
				return suggestion(model, kind, hp, budget, change);
			}
		}
		// none alone: the changes together, in the same order, up to the first combination that fits
		Map<String, Object> together = new LinkedHashMap<>();
		for (Map<String, Object> change : candidates) {
			together.putAll(change);
			if (fitting.test(together)) {
				return suggestion(model, kind, hp, budget, together);
			}
		}
		return null;
	}

	/** Single changes in order of cost to the run; the values of one setting from the largest down. */
	private static List<Map<String, Object>> candidates(String kind, Map<String, ?> hp) {
		RunShape run = RunShape.of(kind, hp);
		List<Map<String, Object>> out = new ArrayList<>();
		if (run.trains() && !run.lora()) {
			out.add(Map.of("lora_r", 16));
		}
		String batchName = run.trains() ? "per_device_train_batch_size" : "eval_batch_size";
		int step = kind.equals("grpo") && hp.get("num_generations") instanceof Number g ? g.intValue() : 1;
		for (int rows = run.rows() - step; rows >= step; rows -= step) {
			out.add(Map.of(batchName, rows));
		}
		for (int length = run.completionLength() / 2; length >= MIN_COMPLETION; length /= 2) {
			out.add(Map.of("max_completion_length", length));
		}
		if (run.trains() && !run.freezeVision() && !run.lora()) {
			out.add(Map.of("freeze_vision", true));
		}
		if (run.beta() > 0 && !run.lora()) {
			out.add(Map.of("beta", 0.0));
		}
		if (run.trains() && run.accumulation() > 1) {
			out.add(Map.of("gradient_accumulation_steps", 1));
		}
		// last: it changes the numbers a run computes with (slightly), which none of the others does
		if (run.trains() && run.torchDtype() == TorchDtype.FLOAT32) {
			out.add(Map.of("torch_dtype", "float16"));
		}
		return out;
	}

	/** A half-precision base is frozen, so alone it is a change only for a LoRA run; combined, lora_r=16 comes first. */
	private static boolean valid(String kind, Map<String, ?> hp, Map<String, Object> change) {
		return !change.containsKey("torch_dtype") || RunShape.of(kind, merged(hp, change)).lora();
	}

	private static Suggestion suggestion(ModelShape model, String kind, Map<String, ?> hp, MemoryBudget budget,
			Map<String, Object> change) {
		List<String> parts = new ArrayList<>();
		change.forEach((name, value) -> parts.add(name + "=" + value));
		long required = budget.required(MemoryPlanner.estimate(model, RunShape.of(kind, merged(hp, change))));
		return new Suggestion(String.join(", ", parts), Map.copyOf(change), required);
	}

	private static Map<String, Object> merged(Map<String, ?> hp, Map<String, Object> change) {
		Map<String, Object> out = new LinkedHashMap<>(hp);
		out.putAll(change);
		return out;
	}

}

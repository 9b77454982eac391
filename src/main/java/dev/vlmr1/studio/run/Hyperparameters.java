package dev.vlmr1.studio.run;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.vlmr1.studio.run.Hyperparameter.bool;
import static dev.vlmr1.studio.run.Hyperparameter.choice;
import static dev.vlmr1.studio.run.Hyperparameter.integer;
import static dev.vlmr1.studio.run.Hyperparameter.number;
import static dev.vlmr1.studio.run.Hyperparameter.positive;

/**
 * The hyperparameters a run accepts, with VLM-R1's defaults (GRPO.md), and their validation: every
 * violation is reported at once, unknown keys and wrong types included, then the rules that tie several
 * values together (the generation batch must be a multiple of G, …).
 */
final class Hyperparameters {

	/** The most optimiser steps (and step counts of any kind) a run may name: weeks of training on one GPU. */
	static final int MAX_STEPS = 1_000_000;

	/** Qwen2-VL's own ceiling on the image area: 16,384 merged visual tokens of 28 × 28 pixels. */
	static final int MAX_PIXELS = 16_384 * 28 * 28;

	/** Longest prompt or completion in tokens: Qwen2-VL's context window. */
	static final int MAX_TOKENS = 32_768;

	static final List<Hyperparameter> SPEC = List.of(
			positive("learning_rate", 1e-6, 1.0, "peak learning rate of AdamW"),
			integer("num_generations", 8, 2, 64, "G: completions sampled per prompt"),
			integer("per_device_train_batch_size", 8, 1, 1024, "completions per micro-batch"),
			integer("gradient_accumulation_steps", 2, 1, 1024, "micro-batches per optimiser step"),
			integer("max_steps", -1, -1, MAX_STEPS, "optimiser steps; -1 = run num_train_epochs"),
			positive("num_train_epochs", 2.0, 100.0, "epochs over the training data when max_steps is -1"),
			number("beta", 0.04, 0, false, 10.0, "KL coefficient; 0 = no reference model"),
			number("epsilon", 0.2, 0, true, 1.0, "lower clip range ε_low"),
			number("epsilon_high", null, 0, true, 10.0, "upper clip range (DAPO clip-higher); defaults to epsilon"),
			choice("loss_type", "grpo", List.of("grpo", "bnpo", "dr_grpo", "dapo"), "loss aggregation"),
			choice("scale_rewards", "group", List.of("group", "batch", "none"), "advantage normalisation"),
			positive("temperature", 1.0, 10.0, "sampling temperature"),
			integer("top_k", 0, 0, 1_000_000, "top-k sampling; 0 = off"),
			number("top_p", 1.0, 0, true, 1.0, "nucleus sampling; 1 = off"),
			integer("max_completion_length", 256, 1, MAX_TOKENS, "tokens generated per completion at most"),
			integer("max_prompt_length", 1024, 1, MAX_TOKENS, "prompt tokens kept at most"),
			integer("num_iterations", 1, 1, 64, "μ: optimiser steps per batch of rollouts"),
			bool("mask_truncated_completions", false, "drop completions without EOS from the loss"),
			bool("skip_zero_variance_groups", false, "drop groups whose rewards are all equal"),
			bool("freeze_vision", false, "no gradient into the vision tower"),
			bool("gradient_checkpointing", false,
					"keep only each decoder layer's input and recompute its activations in backward: less memory, "
							+ "one more decoder forward per step"),
			positive("max_grad_norm", 1.0, 1e6, "global gradient-norm clip"),
			number("weight_decay", 0.0, 0, false, 10.0, "decoupled AdamW weight decay"),
			choice("lr_scheduler_type", "linear", List.of("constant", "linear", "cosine"), "learning-rate schedule"),
			integer("warmup_steps", 0, 0, MAX_STEPS, "linear warm-up steps"),
			number("warmup_ratio", 0.0, 0, false, 1.0, "warm-up as a fraction of all steps"),
			integer("seed", 42, 0, Integer.MAX_VALUE, "seed of data order, sampling and initialisation"),
			integer("save_steps", 100, 1, MAX_STEPS, "checkpoint every N steps"),
			integer("logging_steps", 1, 1, MAX_STEPS, "log metrics every N steps"),
			integer("eval_steps", 0, 0, MAX_STEPS, "evaluate on the eval dataset every N steps; 0 = off"),
			integer("eval_samples", 32, 0, 1_000_000, "samples per evaluation (seeded subset); 0 = the whole eval dataset"),
			integer("eval_batch_size", 4, 1, 256, "prompts per greedy generation batch of an evaluation"),
			integer("eval_alarm_window", 3, 2, 1000, "K: evaluations the reward-hacking alarm looks back over"),
			integer("lora_r", 0, 0, 1024, "LoRA rank; 0 = full fine-tuning"),
			positive("lora_alpha", 128.0, 1e4, "LoRA scaling α (adapter output × α / r)"),
			number("lora_dropout", 0.05, 0, false, 1.0, "LoRA dropout on the adapters' inputs while training"),
			choice("lora_target_modules", "decoder", List.of("decoder", "decoder_attention", "decoder_and_vision"),
					"layers with LoRA adapters: the decoder's q/k/v/o/gate/up/down projections, only q/k/v/o, or "
							+ "those plus the vision blocks' linears"),
			integer("min_pixels", 3136, 1, MAX_PIXELS, "smallest image area fed to the model"),
			integer("max_pixels", 12845056, 1, MAX_PIXELS, "largest image area fed to the model"));

	private static final Map<String, Hyperparameter> BY_NAME = new LinkedHashMap<>();

	static {
		SPEC.forEach(p -> BY_NAME.put(p.name(), p));
	}

	private Hyperparameters() {
	}

	/** Every default, as the run form shows them. */
	static Map<String, Object> defaults() {
		Map<String, Object> out = new LinkedHashMap<>();
		SPEC.forEach(p -> out.put(p.name(), p.defaultValue()));
		return out;
	}

	/**
	 * Validates the given values for a run of {@code type}, adding every problem to {@code errors} (field
	 * {@code hyperparameters.<name>}).
	 * @return all hyperparameters, defaults filled in (meaningful only when no error was added)
	 */
	static Map<String, Object> validate(RunType type, Map<String, Object> given, List<FieldError> errors) {
		Map<String, Object> out = new LinkedHashMap<>();
		List<FieldError> found = new ArrayList<>();
		for (var entry : given.entrySet()) {
			Hyperparameter spec = BY_NAME.get(entry.getKey());
			if (spec == null) {
				found.add(error(entry.getKey(), "unknown hyperparameter; known: " + String.join(", ", BY_NAME.keySet())));
				continue;
			}
			try {
				out.put(spec.name(), spec.check(entry.getValue()));
			}
			catch (IllegalArgumentException ex) {
				found.add(error(spec.name(), ex.getMessage()));
			}
		}
		for (Hyperparameter spec : SPEC) {
			if (!given.containsKey(spec.name())) {
				out.put(spec.name(), spec.defaultValue());
			}
		}
		if (out.get("epsilon_high") == null) {
			out.put("epsilon_high", out.get("epsilon"));
		}
		if (found.isEmpty()) {
			crossChecks(type, out, found);
		}
		errors.addAll(found);
		return out;
	}

	private static void crossChecks(RunType type, Map<String, Object> hp, List<FieldError> found) {
		int g = (Integer) hp.get("num_generations");
		int perDevice = (Integer) hp.get("per_device_train_batch_size");
		// the trainer (GrpoConfig) cuts each micro-batch into whole groups of G, so that is the rule a run must meet.
		// TRL's looser one (micro-batch × accumulation a multiple of G) let runs through that then failed at setup,
		// and its int product wrapped to 0 for 65,536 × 65,536 and so passed as a multiple of anything
		if (type == RunType.GRPO && perDevice % g != 0) {
			found.add(error("per_device_train_batch_size", "per_device_train_batch_size = " + perDevice
					+ " must be a multiple of num_generations (G = " + g + "): each micro-batch holds whole groups"));
		}
		if ((Double) hp.get("epsilon_high") < (Double) hp.get("epsilon")) {
			found.add(error("epsilon_high", "must be ≥ epsilon (" + hp.get("epsilon") + "); got " + hp.get("epsilon_high")));
		}
		if ((Integer) hp.get("warmup_steps") > 0 && (Double) hp.get("warmup_ratio") > 0) {
			found.add(error("warmup_ratio", "set warmup_steps or warmup_ratio, not both"));
		}
		if ((Double) hp.get("warmup_ratio") >= 1.0) {
			found.add(error("warmup_ratio", "must be < 1; got " + hp.get("warmup_ratio")));
		}
		if ((Integer) hp.get("max_steps") == 0) {
			found.add(error("max_steps", "must be ≥ 1, or -1 to train num_train_epochs"));
		}
		if ((Double) hp.get("lora_dropout") >= 1.0) {
			found.add(error("lora_dropout", "must be < 1 (a dropout of 1 zeroes every adapter input); got "
					+ hp.get("lora_dropout")));
		}
		if ((Integer) hp.get("min_pixels") > (Integer) hp.get("max_pixels")) {
			found.add(error("min_pixels", "must be ≤ max_pixels (" + hp.get("max_pixels") + ")"));
		}
	}

	private static FieldError error(String name, String message) {
		return new FieldError("hyperparameters." + name, message);
	}

}

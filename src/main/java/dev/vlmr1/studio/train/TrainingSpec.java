package dev.vlmr1.studio.train;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

import dev.vlmr1.studio.model.TorchDtype;
import dev.vlmr1.studio.model.image.ImageProcessor;
import dev.vlmr1.studio.model.image.PreprocessorConfig;
import dev.vlmr1.studio.model.lora.LoraConfig;
import dev.vlmr1.studio.model.lora.LoraTargets;

import static dev.vlmr1.studio.train.RunKind.EVAL;
import static dev.vlmr1.studio.train.RunKind.GRPO;
import static dev.vlmr1.studio.train.RunKind.SFT;
import static dev.vlmr1.studio.train.Setting.bool;
import static dev.vlmr1.studio.train.Setting.choice;
import static dev.vlmr1.studio.train.Setting.integer;
import static dev.vlmr1.studio.train.Setting.number;
import static dev.vlmr1.studio.train.Setting.positive;

/**
 * The one specification of a run's training configuration: every setting with VLM-R1's default (GRPO.md), its
 * bounds, its meaning and the kinds of run that read it, the rules that tie settings together, and the trainers'
 * configurations built from the values. REST validation, the new-run form, the {@code train} command's options,
 * the worker's trainers and the comparison page all derive from {@link #SETTINGS}, so a new setting is one entry
 * here plus the line of {@link #grpo}/{@link #sft} that reads it.
 *
 * <p>A setting a kind of run does not read is refused with a value other than its default: a run never accepts what
 * it then ignores.
 */
public final class TrainingSpec {

	/** The most optimiser steps (and step counts of any kind) a run may name: weeks of training on one GPU. */
	public static final int MAX_STEPS = 1_000_000;

	/** Qwen2-VL's own ceiling on the image area: 16,384 merged visual tokens of 28 × 28 pixels. */
	public static final int MAX_PIXELS = 16_384 * 28 * 28;

	/** Longest prompt or completion in tokens: Qwen2-VL's context window. */
	public static final int MAX_TOKENS = 32_768;

	public static final List<Setting> SETTINGS = List.of(
			positive("learning_rate", 1e-6, 1.0, "peak learning rate of AdamW").readBy(GRPO, SFT).onComparisonPage(),
			integer("num_generations", 8, 2, 64, "G: completions sampled per prompt").readBy(GRPO).onComparisonPage(),
			integer("per_device_train_batch_size", 8, 1, 1024, "completions (SFT: samples) per micro-batch")
				.readBy(GRPO, SFT).onComparisonPage(),
			integer("gradient_accumulation_steps", 2, 1, 1024, "micro-batches per optimiser step").readBy(GRPO, SFT)
				.onComparisonPage(),
			integer("max_steps", -1, -1, MAX_STEPS, "optimiser steps; -1 = run num_train_epochs").readBy(GRPO, SFT)
				.onComparisonPage(),
			integer("num_train_epochs", 2, 1, 100, "whole epochs over the training data when max_steps is -1")
				.readBy(GRPO, SFT).onComparisonPage(),
			number("beta", 0.04, 0, false, 10.0, "KL coefficient; 0 = no reference model").readBy(GRPO).onComparisonPage(),
			number("epsilon", 0.2, 0, true, 1.0, "lower clip range ε_low").readBy(GRPO).onComparisonPage(),
			number("epsilon_high", null, 0, true, 10.0, "upper clip range (DAPO clip-higher); defaults to epsilon")
				.readBy(GRPO).onComparisonPage(),
			choice("loss_type", "grpo", List.of("grpo", "bnpo", "dr_grpo", "dapo"), "loss aggregation").readBy(GRPO)
				.onComparisonPage(),
			choice("scale_rewards", "group", List.of("group", "batch", "none"), "advantage normalisation")
				.readBy(GRPO).onComparisonPage(),
			positive("temperature", 1.0, 10.0, "sampling temperature").readBy(GRPO).onComparisonPage(),
			integer("top_k", 0, 0, 1_000_000, "top-k sampling; 0 = off").readBy(GRPO),
			number("top_p", 1.0, 0, true, 1.0, "nucleus sampling; 1 = off").readBy(GRPO),
			integer("max_completion_length", 256, 1, MAX_TOKENS,
					"tokens generated per completion (and per evaluation answer) at most").onComparisonPage(),
			integer("max_prompt_length", 1024, 1, MAX_TOKENS,
					"prompt tokens at most, images included (the memory plan's prompt); a run whose data has a longer "
							+ "prompt is refused"),
			integer("num_iterations", 1, 1, 64, "μ: optimiser steps per batch of rollouts").readBy(GRPO).onComparisonPage(),
			bool("mask_truncated_completions", false, "drop completions without EOS from the loss").readBy(GRPO),
			bool("skip_zero_variance_groups", false, "drop groups whose rewards are all equal").readBy(GRPO),
			bool("freeze_vision", false, "no gradient into the vision tower").readBy(GRPO, SFT).onComparisonPage(),
			positive("max_grad_norm", 1.0, 1e6, "global gradient-norm clip").readBy(GRPO, SFT),
			number("weight_decay", 0.0, 0, false, 10.0, "decoupled AdamW weight decay").readBy(GRPO, SFT),
			choice("lr_scheduler_type", "linear", List.of("constant", "linear", "cosine"), "learning-rate schedule")
				.readBy(GRPO, SFT).onComparisonPage(),
			integer("warmup_steps", 0, 0, MAX_STEPS, "linear warm-up steps").readBy(GRPO, SFT),
			number("warmup_ratio", 0.0, 0, false, 1.0, "warm-up as a fraction of all steps").readBy(GRPO, SFT),
			integer("seed", 42, 0, Integer.MAX_VALUE, "seed of data order, sampling, initialisation and eval subsets")
				.onComparisonPage(),
			integer("save_steps", 100, 1, MAX_STEPS, "checkpoint every N steps (and at the end)").readBy(GRPO, SFT),
			integer("logging_steps", 1, 1, MAX_STEPS, "record training metrics every N steps (and at the end)")
				.readBy(GRPO, SFT),
			integer("eval_steps", 0, 0, MAX_STEPS, "evaluate on the eval dataset every N steps; 0 = off")
				.readBy(GRPO, SFT),
			integer("eval_samples", 32, 0, 1_000_000, "samples per evaluation (seeded subset); 0 = the whole eval dataset"),
			integer("eval_batch_size", 4, 1, 256, "prompts per greedy generation batch of an evaluation"),
			integer("eval_alarm_window", 3, 2, 1000, "K: evaluations the reward-hacking alarm looks back over")
				.readBy(GRPO, SFT),
			integer("lora_r", 0, 0, 1024, "LoRA rank; 0 = full fine-tuning").readBy(GRPO, SFT).onComparisonPage(),
			positive("lora_alpha", 128.0, 1e4, "LoRA scaling α (adapter output × α / r)").readBy(GRPO, SFT),
			number("lora_dropout", 0.05, 0, false, 1.0, "LoRA dropout on the adapters' inputs while training")
				.readBy(GRPO, SFT),
			choice("lora_target_modules", "decoder", List.of("decoder", "decoder_attention", "decoder_and_vision"),
					"layers with LoRA adapters: the decoder's q/k/v/o/gate/up/down projections, only q/k/v/o, or "
							+ "those plus the vision blocks' linears")
				.readBy(GRPO, SFT),
			integer("min_pixels", null, 1, MAX_PIXELS, "smallest image area fed to the model (smart_resize); "
					+ "empty = the checkpoint's preprocessor_config (Qwen2-VL: 3136)"),
			integer("max_pixels", null, 1, MAX_PIXELS, "largest image area fed to the model (smart_resize); "
					+ "empty = the checkpoint's preprocessor_config (Qwen2-VL: 12845056)"),
			choice("torch_dtype", "float32", List.of("float32", "float16", "bfloat16"),
					"precision of the frozen base model's weights: float16 halves their memory and needs LoRA "
							+ "(lora_r > 0); bfloat16 is refused (DJL 0.36 aborts the JVM on it)")
				.readBy(GRPO, SFT),
			bool("gradient_checkpointing", false, "recompute the decoder layers' activations in backward instead of "
					+ "keeping them: less memory, one more forward per micro-batch")
				.readBy(GRPO, SFT));

	private static final Map<String, Setting> BY_NAME = new LinkedHashMap<>();

	static {
		SETTINGS.forEach(s -> BY_NAME.put(s.name(), s));
	}

	/** A setting's problem: {@code setting} is its name ({@code per_device_train_batch_size}). */
	public record Problem(String setting, String message) {
	}

	/**
	 * @param values every setting, defaults filled in (meaningful only without problems)
	 * @param problems every violation, unknown names and wrong types included
	 */
	public record Validated(Map<String, Object> values, List<Problem> problems) {

		public boolean ok() {
			return problems.isEmpty();
		}

	}

	private TrainingSpec() {
	}

	public static @Nullable Setting named(String name) {
		return BY_NAME.get(name);
	}

	/** Every default, as the run form shows them. */
	public static Map<String, Object> defaults() {
		Map<String, Object> out = new LinkedHashMap<>();
		SETTINGS.forEach(s -> out.put(s.name(), s.defaultValue()));
		return out;
	}

	/** The settings the comparison page shows side by side for runs of this kind, in {@link #SETTINGS} order. */
	public static List<String> compared(RunKind kind) {
		return SETTINGS.stream().filter(s -> s.compared() && s.isUsedBy(kind)).map(Setting::name).toList();
	}

	/**
	 * Checks the given values for a run of {@code kind}: each on its own, then a value a kind of run would ignore,
	 * then the rules that tie values together (only when each value is fine on its own).
	 */
	public static Validated validate(RunKind kind, Map<String, ?> given) {
		Map<String, Object> out = new LinkedHashMap<>();
		List<Problem> found = new ArrayList<>();
		for (var entry : given.entrySet()) {
			Setting spec = BY_NAME.get(entry.getKey());
			if (spec == null) {
				found.add(new Problem(entry.getKey(), "unknown hyperparameter; known: " + String.join(", ", BY_NAME.keySet())));
				continue;
			}
			try {
				Object value = spec.check(entry.getValue());
				if (!spec.isUsedBy(kind) && !value.equals(spec.defaultValue())) {
					found.add(new Problem(spec.name(), unread(spec, kind)));
					continue;
				}
				out.put(spec.name(), value);
			}
			catch (IllegalArgumentException ex) {
				found.add(new Problem(spec.name(), ex.getMessage()));
			}
		}
		for (Setting spec : SETTINGS) {
			if (!given.containsKey(spec.name())) {
				out.put(spec.name(), spec.defaultValue());
			}
		}
		if (out.get("epsilon_high") == null) {
			out.put("epsilon_high", out.get("epsilon"));
		}
		if (found.isEmpty()) {
			crossChecks(kind, new Values(out), found);
		}
		return new Validated(out, List.copyOf(found));
	}

	private static String unread(Setting spec, RunKind kind) {
		String leaveIt = "; leave it out" + (spec.defaultValue() == null ? "" : " or at its default " + spec.defaultValue());
		return spec.usedBy().isEmpty() ? "is not available yet: no run reads it" + leaveIt
				: "means nothing for a " + kind.id() + " run: only " + spec.usedByText() + " read it" + leaveIt;
	}

	private static void crossChecks(RunKind kind, Values v, List<Problem> found) {
		int g = v.integer("num_generations");
		int perDevice = v.integer("per_device_train_batch_size");
		// the trainer (GrpoConfig) cuts each micro-batch into whole groups of G, so that is the rule a run must meet.
		// TRL's looser one (micro-batch × accumulation a multiple of G) let runs through that then failed at setup,
		// and its int product wrapped to 0 for 65,536 × 65,536 and so passed as a multiple of anything
		if (kind == GRPO && perDevice % g != 0) {
			found.add(new Problem("per_device_train_batch_size", "per_device_train_batch_size = " + perDevice
					+ " must be a multiple of num_generations (G = " + g + "): each micro-batch holds whole groups"));
		}
		if (v.number("epsilon") >= 1.0) {
			// a ratio clipped to [1 - ε, …] with ε = 1 may reach 0: the loss (GrpoLoss) refuses it
			found.add(new Problem("epsilon", "must be < 1; got " + v.raw("epsilon")));
		}
		if (v.number("epsilon_high") < v.number("epsilon")) {
			found.add(new Problem("epsilon_high", "must be ≥ epsilon (" + v.raw("epsilon") + "); got "
					+ v.raw("epsilon_high")));
		}
		if (v.integer("warmup_steps") > 0 && v.number("warmup_ratio") > 0) {
			found.add(new Problem("warmup_ratio", "set warmup_steps or warmup_ratio, not both"));
		}
		if (v.number("warmup_ratio") >= 1.0) {
			found.add(new Problem("warmup_ratio", "must be < 1; got " + v.raw("warmup_ratio")));
		}
		if (v.integer("max_steps") == 0) {
			found.add(new Problem("max_steps", "must be ≥ 1, or -1 to train num_train_epochs"));
		}
		if (v.number("lora_dropout") >= 1.0) {
			found.add(new Problem("lora_dropout", "must be < 1 (a dropout of 1 zeroes every adapter input); got "
					+ v.raw("lora_dropout")));
		}
		if (v.integer("lora_r") == 0) {
			for (String adapterSetting : List.of("lora_alpha", "lora_dropout", "lora_target_modules")) {
				if (!v.raw(adapterSetting).equals(BY_NAME.get(adapterSetting).defaultValue())) {
					found.add(new Problem(adapterSetting, "needs lora_r > 0: without LoRA adapters (lora_r = 0, "
							+ "full fine-tuning) nothing reads it"));
				}
			}
		}
		if (v.text("torch_dtype").equals("bfloat16")) {
			found.add(new Problem("torch_dtype", TorchDtype.BFLOAT16_REFUSED));
		}
		if (v.text("torch_dtype").equals("float16") && v.integer("lora_r") == 0) {
			found.add(new Problem("torch_dtype", "float16 holds the base model's weights frozen in half precision, so it "
					+ "needs LoRA (lora_r > 0); full fine-tuning trains float32 weights"));
		}
		if (v.optional("min_pixels") != null && v.optional("max_pixels") != null
				&& v.integer("min_pixels") > v.integer("max_pixels")) {
			found.add(new Problem("min_pixels", "must be ≤ max_pixels (" + v.raw("max_pixels") + ")"));
		}
	}

	/**
	 * The run's image-size bounds against the checkpoint's, where the run sets only one of them (the other is the
	 * checkpoint's): what the API checks once it knows the model.
	 */
	public static List<Problem> pixelProblems(PreprocessorConfig checkpoint, Map<String, ?> values) {
		Values v = new Values(values);
		long min = v.optional("min_pixels") == null ? checkpoint.minPixels() : v.integer("min_pixels");
		long max = v.optional("max_pixels") == null ? checkpoint.maxPixels() : v.integer("max_pixels");
		if (min <= max) {
			return List.of();
		}
		String which = v.optional("min_pixels") == null ? "max_pixels" : "min_pixels";
		return List.of(new Problem(which, which.equals("min_pixels")
				? "must be ≤ max_pixels (" + max + (v.optional("max_pixels") == null ? ", the checkpoint's" : "") + ")"
				: "must be ≥ min_pixels (" + min + ", the checkpoint's)"));
	}

	/** The GRPO trainer's configuration of validated values. */
	public static GrpoConfig grpo(Map<String, ?> values, String promptTemplate) {
		Values v = new Values(values);
		return GrpoConfig.defaults()
			.toBuilder()
			.learningRate(v.number("learning_rate"))
			.numGenerations(v.integer("num_generations"))
			.perDeviceTrainBatchSize(v.integer("per_device_train_batch_size"))
			.gradientAccumulationSteps(v.integer("gradient_accumulation_steps"))
			.maxSteps(Math.max(0, v.integer("max_steps")))
			.numTrainEpochs(v.epochs())
			.beta(v.number("beta"))
			.epsilon(v.number("epsilon"))
			.epsilonHigh(v.number("epsilon_high"))
			.lossType(LossType.parse(v.text("loss_type")))
			.scaleRewards(ScaleRewards.parse(v.text("scale_rewards")))
			.temperature(v.number("temperature"))
			.topK(v.integer("top_k"))
			.topP(v.number("top_p"))
			.maxCompletionLength(v.integer("max_completion_length"))
			.numIterations(v.integer("num_iterations"))
			.maskTruncatedCompletions(v.flag("mask_truncated_completions"))
			.skipZeroVarianceGroups(v.flag("skip_zero_variance_groups"))
			.freezeVision(v.flag("freeze_vision"))
			.maxGradNorm(v.number("max_grad_norm"))
			.weightDecay(v.number("weight_decay"))
			.lrSchedulerType(LrSchedule.Type.parse(v.text("lr_scheduler_type")))
			.warmupSteps(v.integer("warmup_steps"))
			.warmupRatio(v.number("warmup_ratio"))
			.seed(v.integer("seed"))
			.saveSteps(v.integer("save_steps"))
			.promptTemplate(promptTemplate)
			.lora(lora(values))
			.torchDtype(torchDtype(values))
			.gradientCheckpointing(v.flag("gradient_checkpointing"))
			.build();
	}

	/** The SFT trainer's configuration of validated values. */
	public static SftConfig sft(Map<String, ?> values, String promptTemplate) {
		Values v = new Values(values);
		return new SftConfig(v.number("learning_rate"), LrSchedule.Type.parse(v.text("lr_scheduler_type")),
				v.integer("warmup_steps"), v.number("warmup_ratio"), v.number("weight_decay"), v.number("max_grad_norm"),
				v.integer("per_device_train_batch_size"), v.integer("gradient_accumulation_steps"), v.epochs(),
				Math.max(0, v.integer("max_steps")), v.flag("freeze_vision"), v.integer("seed"), v.integer("save_steps"),
				promptTemplate, lora(values), torchDtype(values), v.flag("gradient_checkpointing"));
	}

	/** {@code torch_dtype}: the precision the frozen base's weights are loaded in. */
	public static TorchDtype torchDtype(Map<String, ?> values) {
		return TorchDtype.parse(new Values(values).text("torch_dtype"));
	}

	/** LoRA adapters when {@code lora_r} &gt; 0, else null: full fine-tuning. */
	public static @Nullable LoraConfig lora(Map<String, ?> values) {
		Values v = new Values(values);
		int r = v.integer("lora_r");
		return r <= 0 ? null : new LoraConfig(r, v.number("lora_alpha"), v.number("lora_dropout"),
				LoraTargets.preset(v.text("lora_target_modules")));
	}

	/**
	 * The checkpoint's image processor with the run's {@code min_pixels}/{@code max_pixels} where it sets them: the
	 * bounds of smart_resize, and so of each image's token count, in training and evaluation alike.
	 */
	public static ImageProcessor images(Path checkpoint, Map<String, ?> values) {
		return new ImageProcessor(pixels(ImageProcessor.fromCheckpoint(checkpoint).config(), values));
	}

	/** The checkpoint's processing with the bounds the run sets ({@code min_pixels}/{@code max_pixels}). */
	public static PreprocessorConfig pixels(PreprocessorConfig checkpoint, Map<String, ?> values) {
		Values v = new Values(values);
		Object min = v.optional("min_pixels");
		Object max = v.optional("max_pixels");
		return checkpoint.withPixels(min == null ? checkpoint.minPixels() : v.integer("min_pixels"),
				max == null ? checkpoint.maxPixels() : v.integer("max_pixels"));
	}

	/** Steps between metric records ({@code logging_steps}). */
	public static int loggingSteps(Map<String, ?> values) {
		return new Values(values).integer("logging_steps");
	}

	/** An integer setting's value, its default when absent (a run stored before the setting existed). */
	public static int intValue(Map<String, ?> values, String name) {
		return new Values(values).integer(name);
	}

	/**
	 * Typed reads of stored values: a value a run stored before a setting existed is its default, and an older
	 * run's numbers may be stored as either JSON type.
	 */
	private record Values(Map<String, ?> values) {

		/** A setting whose default is "the checkpoint's": its value, or null. */
		@Nullable Object optional(String name) {
			return values.get(name);
		}

		Object raw(String name) {
			Object value = values.get(name);
			if (value == null && name.equals("epsilon_high")) {
				return raw("epsilon");
			}
			Setting spec = Objects.requireNonNull(BY_NAME.get(name), name);
			return value != null ? value : Objects.requireNonNull(spec.defaultValue(), name);
		}

		int integer(String name) {
			return ((Number) raw(name)).intValue();
		}

		double number(String name) {
			return ((Number) raw(name)).doubleValue();
		}

		String text(String name) {
			return (String) raw(name);
		}

		boolean flag(String name) {
			return (Boolean) raw(name);
		}

		/** Whole passes over the data; a fractional count stored by an older run rounds up. */
		int epochs() {
			return (int) Math.max(1, Math.ceil(number("num_train_epochs")));
		}

	}

}

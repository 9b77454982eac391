package dev.vlmr1.studio.run;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.vlmr1.studio.train.Setting;

import static org.assertj.core.api.Assertions.assertThat;

/** Hyperparameter validation without Spring: defaults, types, bounds and the rules that tie values together. */
class HyperparametersTests {

	@Test
	void defaultsAreVlmR1sAndValid() {
		List<FieldError> errors = new ArrayList<>();
		Map<String, Object> hp = Hyperparameters.validate(RunType.GRPO, Map.of(), errors);
		assertThat(errors).isEmpty();
		assertThat(hp).containsEntry("learning_rate", 1e-6)
			.containsEntry("num_generations", 8)
			.containsEntry("beta", 0.04)
			.containsEntry("epsilon", 0.2)
			.containsEntry("epsilon_high", 0.2)
			.containsEntry("loss_type", "grpo")
			.containsEntry("scale_rewards", "group")
			.containsEntry("lr_scheduler_type", "linear")
			.containsEntry("max_completion_length", 256)
			.containsEntry("max_grad_norm", 1.0)
			.containsEntry("weight_decay", 0.0);
		assertThat(hp.keySet()).containsAll(Hyperparameters.defaults().keySet());
	}

	@Test
	void integralNumbersAreAcceptedAsIntegersAndNumbersAsDoubles() {
		List<FieldError> errors = new ArrayList<>();
		Map<String, Object> hp = Hyperparameters.validate(RunType.GRPO,
				Map.of("num_generations", 4.0, "learning_rate", 1, "per_device_train_batch_size", 4L), errors);
		assertThat(errors).isEmpty();
		assertThat(hp).containsEntry("num_generations", 4).containsEntry("learning_rate", 1.0);
	}

	@Test
	void everyBoundIsChecked() {
		Map<String, Object> given = new HashMap<>();
		given.put("num_generations", 1);
		given.put("learning_rate", -1e-5);
		given.put("beta", -0.1);
		given.put("epsilon", 0.0);
		given.put("temperature", 0.0);
		given.put("top_p", 0.0);
		given.put("top_k", -1);
		given.put("num_iterations", 0);
		given.put("warmup_ratio", 1.5);
		given.put("lora_dropout", 2.0);
		given.put("scale_rewards", "std");
		given.put("mask_truncated_completions", 1);
		given.put("max_completion_length", null);
		List<FieldError> errors = new ArrayList<>();
		Hyperparameters.validate(RunType.GRPO, given, errors);
		assertThat(errors).extracting(FieldError::field).containsExactlyInAnyOrderElementsOf(
				given.keySet().stream().map(k -> "hyperparameters." + k).toList());
		assertThat(errors).filteredOn(e -> e.field().endsWith("max_completion_length"))
			.extracting(FieldError::message).containsExactly("must not be null");
		assertThat(errors).filteredOn(e -> e.field().endsWith("mask_truncated_completions"))
			.extracting(FieldError::message).containsExactly("must be true or false; got the number 1");
	}

	@Test
	void loraSettingsAreCheckedAndTargetModulesArePresets() {
		List<FieldError> errors = new ArrayList<>();
		Map<String, Object> hp = Hyperparameters.validate(RunType.SFT, Map.of("lora_r", 8), errors);
		assertThat(errors).isEmpty();
		assertThat(hp).containsEntry("lora_target_modules", "decoder").containsEntry("lora_alpha", 128.0);
		Hyperparameters.validate(RunType.SFT, Map.of("lora_r", 8, "lora_target_modules", "all"), errors);
		assertThat(errors).extracting(FieldError::field).containsExactly("hyperparameters.lora_target_modules");
		errors.clear();
		Hyperparameters.validate(RunType.GRPO, Map.of("lora_r", 8, "lora_dropout", 1.0), errors);
		assertThat(errors).extracting(FieldError::field).containsExactly("hyperparameters.lora_dropout");
	}

	@Test
	void torchDtypeIsFloat32UnlessAFrozenLoraBaseAsksForFloat16AndBfloat16IsRefusedWithItsReason() {
		List<FieldError> errors = new ArrayList<>();
		assertThat(Hyperparameters.validate(RunType.GRPO, Map.of(), errors)).containsEntry("torch_dtype", "float32");
		assertThat(Hyperparameters.validate(RunType.SFT, Map.of("lora_r", 8, "torch_dtype", "float16"), errors))
			.containsEntry("torch_dtype", "float16");
		assertThat(errors).isEmpty();
		Hyperparameters.validate(RunType.GRPO, Map.of("torch_dtype", "float16"), errors);
		assertThat(errors).extracting(FieldError::field).containsExactly("hyperparameters.torch_dtype");
		assertThat(errors.get(0).message()).contains("needs LoRA (lora_r > 0)");
		errors.clear();
		Hyperparameters.validate(RunType.GRPO, Map.of("lora_r", 8, "torch_dtype", "bfloat16"), errors);
		assertThat(errors).extracting(FieldError::message).containsExactly(dev.vlmr1.studio.model.TorchDtype.BFLOAT16_REFUSED);
		errors.clear();
		Hyperparameters.validate(RunType.GRPO, Map.of("lora_r", 8, "torch_dtype", "int8"), errors);
		assertThat(errors).extracting(FieldError::field).containsExactly("hyperparameters.torch_dtype");
	}

	@Test
	void crossFieldRules() {
		List<FieldError> errors = new ArrayList<>();
		Hyperparameters.validate(RunType.GRPO, Map.of("num_generations", 3, "per_device_train_batch_size", 4,
				"gradient_accumulation_steps", 2, "max_steps", 0, "min_pixels", 10, "max_pixels", 5), errors);
		assertThat(errors).extracting(FieldError::field).containsExactlyInAnyOrder(
				"hyperparameters.per_device_train_batch_size", "hyperparameters.max_steps", "hyperparameters.min_pixels");
		// SFT has no groups: the same batch is fine, and G means nothing to it
		errors.clear();
		Hyperparameters.validate(RunType.SFT, Map.of("per_device_train_batch_size", 4), errors);
		assertThat(errors).isEmpty();
		Hyperparameters.validate(RunType.SFT, Map.of("num_generations", 3, "per_device_train_batch_size", 4), errors);
		assertThat(errors).extracting(FieldError::field).containsExactly("hyperparameters.num_generations");
		errors.clear();
		// 4 × 2 = 8 is a multiple of G = 8, but the trainer needs whole groups in each micro-batch of 4: a run
		// accepted by TRL's rule failed at setup (issue 11: everything accepted is usable)
		Hyperparameters.validate(RunType.GRPO, Map.of("per_device_train_batch_size", 4, "gradient_accumulation_steps", 2),
				errors);
		assertThat(errors).extracting(FieldError::message).containsExactly(
				"per_device_train_batch_size = 4 must be a multiple of num_generations (G = 8): each micro-batch holds "
						+ "whole groups");
		errors.clear();
		Hyperparameters.validate(RunType.GRPO, Map.of("per_device_train_batch_size", 16, "gradient_accumulation_steps", 2),
				errors);
		assertThat(errors).isEmpty();
	}

	@Test
	void everyNumberHasAnUpperBoundThatItsDefaultRespects() {
		for (Setting h : Hyperparameters.SPEC) {
			if (h.kind() == Setting.Kind.INT || h.kind() == Setting.Kind.NUMBER) {
				assertThat(h.max()).as(h.name()).isNotNull();
				if (h.defaultValue() instanceof Number d) {
					assertThat(d.doubleValue()).as(h.name()).isLessThanOrEqualTo(h.max());
				}
			}
		}
	}

	@Test
	void settingsNoRunCouldUseAreRefusedWithTheirBound() {
		// issue 11: all of these were accepted
		Map<String, Object> given = new HashMap<>();
		given.put("num_generations", 1_000_000_000);
		given.put("max_completion_length", Integer.MAX_VALUE);
		given.put("max_steps", 2_000_000_000);
		given.put("max_pixels", Integer.MAX_VALUE);
		given.put("num_train_epochs", 1e300);
		given.put("learning_rate", 1e10);
		given.put("warmup_steps", Integer.MAX_VALUE);
		List<FieldError> errors = new ArrayList<>();
		Hyperparameters.validate(RunType.GRPO, given, errors);
		assertThat(errors).extracting(FieldError::field).containsExactlyInAnyOrderElementsOf(
				given.keySet().stream().map(k -> "hyperparameters." + k).toList());
		assertThat(errors).filteredOn(e -> e.field().endsWith(".max_pixels"))
			.extracting(FieldError::message).containsExactly("must be ≤ 12845056; got 2147483647");
		assertThat(errors).filteredOn(e -> e.field().endsWith(".max_completion_length"))
			.extracting(FieldError::message).containsExactly("must be ≤ 32768; got 2147483647");
	}

	@Test
	void aBatchWhoseProductWrapsToZeroIsNotAMultipleOfG() {
		// 65,536 × 65,536 is 0 in int arithmetic, which every G divides
		List<FieldError> errors = new ArrayList<>();
		Hyperparameters.validate(RunType.GRPO, Map.of("num_generations", 3, "per_device_train_batch_size", 65_536,
				"gradient_accumulation_steps", 65_536), errors);
		assertThat(errors).extracting(FieldError::field).contains("hyperparameters.per_device_train_batch_size",
				"hyperparameters.gradient_accumulation_steps");
		// the largest accepted values still multiply without wrapping and are checked against G
		errors.clear();
		Hyperparameters.validate(RunType.GRPO, Map.of("num_generations", 3, "per_device_train_batch_size", 1024,
				"gradient_accumulation_steps", 1024), errors);
		assertThat(errors).extracting(FieldError::message)
			.containsExactly("per_device_train_batch_size = 1024 must be a multiple of num_generations (G = 3): each "
					+ "micro-batch holds whole groups");
	}

	@Test
	void theLargestAcceptedValuesAreAcceptedTogether() {
		Map<String, Object> largest = new HashMap<>();
		largest.put("num_generations", 64);
		// 1024 = 16 groups of 64
		largest.put("per_device_train_batch_size", 1024);
		largest.put("gradient_accumulation_steps", 1024);
		largest.put("max_steps", Hyperparameters.MAX_STEPS);
		largest.put("max_completion_length", Hyperparameters.MAX_TOKENS);
		largest.put("max_prompt_length", Hyperparameters.MAX_TOKENS);
		largest.put("min_pixels", Hyperparameters.MAX_PIXELS);
		largest.put("max_pixels", Hyperparameters.MAX_PIXELS);
		largest.put("num_iterations", 64);
		largest.put("num_train_epochs", 100);
		List<FieldError> errors = new ArrayList<>();
		Hyperparameters.validate(RunType.GRPO, largest, errors);
		assertThat(errors).isEmpty();
	}

	@Test
	void aSettingTheRunsTypeDoesNotReadIsRefusedUnlessItIsTheDefault() {
		// issue 18: these were accepted and then read by nothing
		List<FieldError> errors = new ArrayList<>();
		Hyperparameters.validate(RunType.SFT, Map.of("top_k", 50, "temperature", 0.7, "beta", 0.1, "num_generations", 4),
				errors);
		assertThat(errors).extracting(FieldError::field).containsExactlyInAnyOrder("hyperparameters.top_k",
				"hyperparameters.temperature", "hyperparameters.beta", "hyperparameters.num_generations");
		assertThat(errors).filteredOn(e -> e.field().endsWith(".top_k"))
			.extracting(FieldError::message)
			.containsExactly("means nothing for a sft run: only grpo runs read it; leave it out or at its default 0");
		// the form sends every default, whatever the type
		errors.clear();
		Hyperparameters.validate(RunType.SFT, Map.of("top_k", 0, "temperature", 1.0, "num_generations", 8), errors);
		assertThat(errors).isEmpty();
		// an evaluation trains nothing, but reads its sample count, batch, budget and image sizes
		Hyperparameters.validate(RunType.EVAL, Map.of("learning_rate", 1e-5, "lora_r", 8, "eval_steps", 5), errors);
		assertThat(errors).extracting(FieldError::field).containsExactlyInAnyOrder("hyperparameters.learning_rate",
				"hyperparameters.lora_r", "hyperparameters.eval_steps");
		errors.clear();
		Hyperparameters.validate(RunType.EVAL, Map.of("eval_samples", 8, "eval_batch_size", 2,
				"max_completion_length", 64, "max_pixels", 200704, "seed", 3), errors);
		assertThat(errors).isEmpty();
	}

	@Test
	void loraSettingsWithoutLoraAreRefused() {
		List<FieldError> errors = new ArrayList<>();
		Hyperparameters.validate(RunType.GRPO, Map.of("lora_alpha", 32, "lora_target_modules", "decoder_attention"),
				errors);
		assertThat(errors).extracting(FieldError::field).containsExactlyInAnyOrder("hyperparameters.lora_alpha",
				"hyperparameters.lora_target_modules");
		assertThat(errors).extracting(FieldError::message).allMatch(m -> m.startsWith("needs lora_r > 0"));
	}

	@Test
	void aHalfPrecisionBaseNeedsLoraAndGradientCheckpointingIsASwitch() {
		List<FieldError> errors = new ArrayList<>();
		Hyperparameters.validate(RunType.GRPO, Map.of("torch_dtype", "float16", "lora_r", 8, "gradient_checkpointing", true),
				errors);
		assertThat(errors).isEmpty();
		Hyperparameters.validate(RunType.SFT, Map.of("torch_dtype", "float16", "gradient_checkpointing", true), errors);
		assertThat(errors).extracting(FieldError::field).containsExactly("hyperparameters.torch_dtype");
		assertThat(errors.get(0).message()).contains("needs LoRA (lora_r > 0)");
	}

	@Test
	void wholeEpochsAndAnEpsilonBelowOne() {
		// a fractional epoch count was rounded up by the trainer; ε = 1 was refused by the loss in the worker
		List<FieldError> errors = new ArrayList<>();
		Hyperparameters.validate(RunType.GRPO, Map.of("num_train_epochs", 1.5, "epsilon", 1.0), errors);
		assertThat(errors).extracting(FieldError::message).containsExactly("must be an integer; got the number 1.5");
		errors.clear();
		Hyperparameters.validate(RunType.GRPO, Map.of("epsilon", 1.0, "epsilon_high", 1.0), errors);
		assertThat(errors).extracting(FieldError::field).containsExactly("hyperparameters.epsilon");
	}

}

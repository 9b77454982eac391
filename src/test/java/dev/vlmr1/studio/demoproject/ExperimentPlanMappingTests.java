package dev.vlmr1.studio.demoproject;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.vlmr1.studio.experiment.ExperimentCommand;
import dev.vlmr1.studio.experiment.ExperimentPlan;
import dev.vlmr1.studio.web.ApiProblem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The plan's three mappings: request overrides onto the standard plan, the plan onto the runs' hyperparameters
 * (equal data budgets, the last step evaluated), and the plan onto the {@code experiment rl-vs-sft} command line,
 * checked against the command's own option parser.
 */
class ExperimentPlanMappingTests {

	@Test
	void everyOptionOfTheCommandLineIsOneTheCommandAccepts() {
		Map<String, Object> plan = new LinkedHashMap<>(PlanOverrides.toMap(ExperimentPlan.standard()));
		// an invalid plan: the command parses every option first, then the plan refuses G = 1 before any training
		plan.put("generations", 1);
		String line = ExperimentCommandLine.of(plan, "/tmp/never-written");
		List<String> words = List.of(line.split(" "));
		assertThat(words.subList(0, 5)).containsExactly("java", "-jar", "target/vlm-r1-studio-*.jar", "experiment",
				"rl-vs-sft");
		String[] args = words.subList(4, words.size()).toArray(String[]::new);
		var out = new PrintStream(new ByteArrayOutputStream());
		assertThatThrownBy(() -> ExperimentCommand.run(args, out)).isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("every count of the plan must be positive");
		assertThat(line).contains("--base-lr ", "--sft-lr ", "--grpo-lr ", "--prompts-per-step ", "--max-completion-length ")
			.doesNotContain("vocab", "shape");
	}

	@Test
	void overridesApplyToTheStandardPlanAndFormTextIsParsed() {
		ExperimentPlan standard = ExperimentPlan.standard();
		Map<String, Object> all = new LinkedHashMap<>(PlanOverrides.toMap(standard));
		all.keySet().retainAll(PlanOverrides.overridable());
		assertThat(PlanOverrides.apply(standard, all)).isEqualTo(standard);
		ExperimentPlan changed = PlanOverrides.apply(standard,
				Map.of("baseSteps", "12", "sftLearningRate", "5e-4", "seed", 9L, "beta", 0));
		assertThat(changed.baseSteps()).isEqualTo(12);
		assertThat(changed.sftLearningRate()).isEqualTo(5e-4);
		assertThat(changed.seed()).isEqualTo(9);
		assertThat(changed.beta()).isZero();
		assertThat(changed.armSteps()).isEqualTo(standard.armSteps());
		assertThat(PlanOverrides.overridable()).contains("seed", "baseSteps", "grpoLearningRate")
			.doesNotContain("vocabSize", "shape");
	}

	@Test
	void badOverridesAreAllReported() {
		assertThatThrownBy(() -> PlanOverrides.apply(ExperimentPlan.standard(),
				Map.of("baseSteps", "many", "armSteps", 2.5, "grpoLearningRate", 0, "vocabSize", 10, "maxCompletionLength", 4)))
			.isInstanceOfSatisfying(ApiProblem.class, (p) -> {
				assertThat(p.status().value()).isEqualTo(400);
				assertThat(p.getMessage()).contains("baseSteps must be a number", "armSteps must be a whole number",
						"grpoLearningRate must be > 0", "vocabSize unknown or fixed", "maxCompletionLength must be between 8");
			});
	}

	@Test
	void bothArmsSeeTheSameTrainingPromptsAndEveryRunIsEvaluatedAtItsLastStep() {
		ExperimentPlan plan = ExperimentPlan.standard();
		Map<String, Object> sft = ExperimentRuns.sftArm(plan);
		Map<String, Object> grpo = ExperimentRuns.grpoArm(plan);
		int sftPrompts = (Integer) sft.get("per_device_train_batch_size") * (Integer) sft.get("gradient_accumulation_steps");
		int grpoPrompts = (Integer) grpo.get("per_device_train_batch_size") * (Integer) grpo.get("gradient_accumulation_steps")
				/ (Integer) grpo.get("num_generations");
		assertThat(sftPrompts).isEqualTo(grpoPrompts).isEqualTo(plan.promptsPerStep());
		assertThat(sft.get("max_steps")).isEqualTo(grpo.get("max_steps")).isEqualTo(plan.armSteps());
		for (Map<String, Object> hp : List.of(ExperimentRuns.base(plan), sft, grpo)) {
			assertThat((Integer) hp.get("max_steps") % (Integer) hp.get("eval_steps")).isZero();
			assertThat(hp.get("eval_samples")).isEqualTo(2 * plan.testSamples());
			assertThat(hp.get("lr_scheduler_type")).isEqualTo("cosine");
		}
		assertThat(ExperimentRuns.base(plan).get("eval_steps")).as("base: once, at the end").isEqualTo(plan.baseSteps());
		assertThat(ExperimentRuns.evalEvery(96)).isEqualTo(24);
		assertThat(ExperimentRuns.evalEvery(30)).as("5 evaluations").isEqualTo(6);
		assertThat(ExperimentRuns.evalEvery(97)).as("prime: the last step only").isEqualTo(97);
		assertThat(ExperimentRuns.evalEvery(2)).isEqualTo(1);
		assertThat(ExperimentRuns.evalEvery(1)).isEqualTo(1);
	}

}

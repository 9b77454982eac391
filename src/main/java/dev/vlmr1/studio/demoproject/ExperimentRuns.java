package dev.vlmr1.studio.demoproject;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.vlmr1.studio.experiment.ExperimentPlan;

/**
 * The one place where an {@link ExperimentPlan} becomes the hyperparameters of the platform's three runs, set as
 * {@code RlVsSftExperiment} configures its trainers: cosine schedule with 5 % warm-up, {@code promptsPerStep} prompts
 * per optimiser step (SFT: a batch of them; GRPO: that many accumulated micro-batches of G completions of one
 * prompt), the plan's seed, and greedy evaluation with {@code maxCompletionLength} new tokens on every test sample.
 * The base run is evaluated once, at its last step; each arm about {@value #ARM_EVALUATIONS} times, the last one at
 * its last step.
 */
final class ExperimentRuns {

	/** Evaluations an arm aims for, its last step included. */
	static final int ARM_EVALUATIONS = 4;

	/** The most evaluations an arm gets when its step count has no divisor near {@link #ARM_EVALUATIONS}. */
	private static final int MAX_ARM_EVALUATIONS = 6;

	private static final int EVAL_BATCH = 8;

	private ExperimentRuns() {
	}

	/** The SFT warm-up on the pretrain split that makes the shared base. */
	static Map<String, Object> base(ExperimentPlan plan) {
		Map<String, Object> hp = sft(plan, plan.baseSteps(), plan.baseLearningRate());
		hp.put("eval_steps", plan.baseSteps());
		return hp;
	}

	/** Arm (a): SFT from the base on the train split. */
	static Map<String, Object> sftArm(ExperimentPlan plan) {
		Map<String, Object> hp = sft(plan, plan.armSteps(), plan.sftLearningRate());
		hp.put("eval_steps", evalEvery(plan.armSteps()));
		return hp;
	}

	/** Arm (b): GRPO from the base on the train split, the same number of training prompts as arm (a). */
	static Map<String, Object> grpoArm(ExperimentPlan plan) {
		Map<String, Object> hp = common(plan, plan.armSteps(), plan.grpoLearningRate());
		hp.put("num_generations", plan.generations());
		hp.put("per_device_train_batch_size", plan.generations());
		hp.put("gradient_accumulation_steps", plan.promptsPerStep());
		hp.put("beta", plan.beta());
		hp.put("eval_steps", evalEvery(plan.armSteps()));
		return hp;
	}

	/**
	 * Steps between evaluations of an arm of {@code steps} steps: a divisor, so that the last step is evaluated,
	 * giving the count of evaluations closest to {@link #ARM_EVALUATIONS} (ties: more) and at most
	 * {@link #MAX_ARM_EVALUATIONS}; a prime count of steps is evaluated at its last step only.
	 */
	static int evalEvery(int steps) {
		int best = 1;
		for (int n = 1; n <= Math.min(steps, MAX_ARM_EVALUATIONS); n++) {
			if (steps % n == 0 && Math.abs(n - ARM_EVALUATIONS) <= Math.abs(best - ARM_EVALUATIONS)) {
				best = n;
			}
		}
		return steps / best;
	}

	private static Map<String, Object> sft(ExperimentPlan plan, int steps, double learningRate) {
		Map<String, Object> hp = common(plan, steps, learningRate);
		hp.put("per_device_train_batch_size", plan.promptsPerStep());
		hp.put("gradient_accumulation_steps", 1);
		return hp;
	}

	private static Map<String, Object> common(ExperimentPlan plan, int steps, double learningRate) {
		Map<String, Object> hp = new LinkedHashMap<>();
		hp.put("learning_rate", learningRate);
		hp.put("lr_scheduler_type", "cosine");
		hp.put("warmup_ratio", 0.05);
		hp.put("max_steps", steps);
		hp.put("seed", Math.toIntExact(plan.seed()));
		hp.put("max_completion_length", plan.maxCompletionLength());
		// a checkpoint at each evaluation: a lost attempt resumes from there, the last one seeds the follow-ups
		hp.put("save_steps", evalEvery(steps));
		hp.put("eval_samples", 2 * plan.testSamples());
		hp.put("eval_batch_size", EVAL_BATCH);
		return hp;
	}

}

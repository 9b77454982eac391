package dev.vlmr1.studio.experiment;

import dev.vlmr1.studio.synth.TinyQwenVl;

/**
 * Everything the RL-versus-SFT experiment depends on, so that one plan gives one table.
 *
 * @param seed seeds the synthetic data, the tiny model and both trainers
 * @param pretrainSamples in-domain REC samples the base model is warmed up on (format + first grounding)
 * @param trainSamples the in-domain REC training split both arms fine-tune on
 * @param testSamples samples of each test split (in-domain, out-of-domain)
 * @param baseSteps SFT steps of the warm-up that makes the shared base
 * @param baseLearningRate peak learning rate of the warm-up (cosine decay)
 * @param promptsPerStep prompts per optimiser step in both arms (GRPO samples {@code generations} completions of each)
 * @param armSteps optimiser steps of each arm: both see {@code armSteps × promptsPerStep} training prompts
 * @param sftLearningRate peak learning rate of the SFT arm
 * @param grpoLearningRate peak learning rate of the GRPO arm
 * @param generations GRPO group size G
 * @param beta GRPO's KL coefficient towards the base
 * @param maxCompletionLength longest completion, in training rollouts and in evaluation
 */
public record ExperimentPlan(long seed, int pretrainSamples, int trainSamples, int testSamples, TinyQwenVl shape,
		int vocabSize, int baseSteps, double baseLearningRate, int promptsPerStep, int armSteps, double sftLearningRate,
		double grpoLearningRate, int generations, double beta, int maxCompletionLength) {

	public ExperimentPlan {
		if (pretrainSamples < 1 || trainSamples < 1 || testSamples < 1 || baseSteps < 1 || armSteps < 1
				|| promptsPerStep < 1 || generations < 2 || maxCompletionLength < 8) {
			throw new IllegalArgumentException("every count of the plan must be positive (G ≥ 2, completions ≥ 8)");
		}
	}

	/** The plan behind the README's command and the experiment button. */
	public static ExperimentPlan standard() {
		return new ExperimentPlan(7, 8000, 256, 96, TinyQwenVl.DEFAULT, 1024, 6000, 1e-3, 16, 48, 5e-4, 2e-4, 8, 0.04,
				48);
	}

	/** Training prompts each arm sees: the shared data budget. */
	public int armPrompts() {
		return armSteps * promptsPerStep;
	}

}

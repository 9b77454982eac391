package dev.vlmr1.studio.experiment;

import java.util.List;

import dev.vlmr1.studio.synth.SynthSample;
import dev.vlmr1.studio.synth.SynthTask;
import dev.vlmr1.studio.synth.SyntheticDataset;

/**
 * The experiment's four synthetic REC splits, each drawn from its own seed (the plan's seed and the split's name) so
 * that changing one split's size leaves the others as they were, and the command line and the platform's button
 * train and test on the same samples.
 */
public final class ExperimentSplits {

	/** In-domain samples the base model is warmed up on. */
	public static final String PRETRAIN = "pretrain";

	/** The in-domain training split both arms fine-tune on. */
	public static final String TRAIN = "train";

	public static final String TEST_IN_DOMAIN = "test_id";

	/** Targets are the held-out colour–shape combinations. */
	public static final String TEST_OUT_OF_DOMAIN = "test_ood";

	/** Synthetic images are this wide and high: 16 image tokens for the tiny model. */
	public static final int IMAGE_SIZE = 112;

	private ExperimentSplits() {
	}

	public static List<SynthSample> draw(ExperimentPlan plan, String name) {
		var split = name.equals(TEST_OUT_OF_DOMAIN) ? SyntheticDataset.Split.OUT_OF_DOMAIN : SyntheticDataset.Split.IN_DOMAIN;
		int count = switch (name) {
			case PRETRAIN -> plan.pretrainSamples();
			case TRAIN -> plan.trainSamples();
			case TEST_IN_DOMAIN, TEST_OUT_OF_DOMAIN -> plan.testSamples();
			default -> throw new IllegalArgumentException("no split " + name);
		};
		var data = new SyntheticDataset(plan.seed() * 1_000_003L + name.hashCode(), IMAGE_SIZE, IMAGE_SIZE);
		return data.generate(SynthTask.REC, split, count, name.replace('_', '-'));
	}

}

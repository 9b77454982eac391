package dev.vlmr1.studio.experiment;

import java.util.ArrayList;
import java.util.List;

import dev.vlmr1.studio.eval.RecAccuracy;
import dev.vlmr1.studio.eval.RecReport;
import dev.vlmr1.studio.reward.RewardScorers;
import dev.vlmr1.studio.model.image.ImageProcessor;
import dev.vlmr1.studio.model.tokenizer.QwenTokenizer;
import dev.vlmr1.studio.reward.RewardSample;
import dev.vlmr1.studio.train.GreedyCompletions;
import dev.vlmr1.studio.train.GrpoConfig;
import dev.vlmr1.studio.train.Policy;
import dev.vlmr1.studio.train.TrainingSample;

/**
 * REC accuracy of a policy on a test split with VLM-R1's protocol: greedy completions in the REC template, the
 * first box of the answer rescaled to the original image, correct when IoU is strictly above 0.5.
 */
public final class RecEvaluation {

	private static final int BATCH = 8;

	private final List<TrainingSample> samples;

	private final int maxNewTokens;

	public RecEvaluation(List<TrainingSample> samples, int maxNewTokens) {
		if (samples.isEmpty()) {
			throw new IllegalArgumentException("nothing to evaluate: the test split is empty");
		}
		this.samples = List.copyOf(samples);
		this.maxNewTokens = maxNewTokens;
	}

	public RecReport evaluate(Policy policy, QwenTokenizer tokenizer, ImageProcessor images) {
		var greedy = new GreedyCompletions(policy, tokenizer, images, GrpoConfig.REC_TEMPLATE, maxNewTokens);
		List<GreedyCompletions.Completed> completions = new ArrayList<>();
		for (int from = 0; from < samples.size(); from += BATCH) {
			completions.addAll(greedy.complete(samples.subList(from, Math.min(samples.size(), from + BATCH))));
		}
		return RecAccuracy.vlmr1()
			.evaluate(completions.stream().map(GreedyCompletions.Completed::text).toList(),
					completions.stream().map(RecEvaluation::rewardSample).toList());
	}

	private static RewardSample rewardSample(GreedyCompletions.Completed c) {
		return RewardScorers.rewardSample(c.sample(), c.imageSizes(), c.gridThw());
	}

}

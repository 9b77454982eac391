package dev.vlmr1.studio.reward;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.vlmr1.studio.train.RewardScorer;
import dev.vlmr1.studio.train.TrainingSample;

/**
 * The reward library's weighted configuration as the trainer's {@link RewardScorer}: the one adapter between the
 * two, used by the worker (a run's reward terms) and the {@code train} command line (a configuration file).
 */
public final class RewardScorers {

	private RewardScorers() {
	}

	/** Parses and validates a configuration ({@code [{function, weight, params}]}). */
	public static RewardScorer fromJson(String json) {
		return of(RewardConfiguration.parse(json));
	}

	public static RewardScorer of(RewardConfiguration configuration) {
		return new RewardScorer() {
			@Override
			public List<String> functionNames() {
				return configuration.functionNames();
			}

			@Override
			public Scores score(List<Request> requests) {
				List<Completion> completions = new ArrayList<>();
				List<RewardSample> samples = new ArrayList<>();
				for (Request r : requests) {
					completions.add(new Completion(r.completion(), r.completionTokens()));
					samples.add(sample(r));
				}
				RewardBatch batch = configuration.score(completions, samples);
				Map<String, double[]> perFunction = new LinkedHashMap<>();
				Map<String, Double> parsed = new LinkedHashMap<>();
				for (String fn : batch.functions()) {
					perFunction.put(fn, batch.scores(fn));
					parsed.put(fn, batch.parsedShare(fn));
				}
				return new Scores(batch.totals(), perFunction, parsed);
			}
		};
	}

	private static RewardSample sample(RewardScorer.Request r) {
		return rewardSample(r.sample(), r.imageSizes(), r.imageGridThw());
	}

	/**
	 * A training sample as the reward functions and metrics read it: the original size and input grid of each image
	 * (boxes the model writes live in the grid's frame and are rescaled to the original) and its accuracy method.
	 */
	public static RewardSample rewardSample(TrainingSample sample, List<int[]> imageSizes, List<long[]> gridThw) {
		List<SampleImage> images = new ArrayList<>();
		for (int i = 0; i < imageSizes.size(); i++) {
			long[] grid = gridThw.get(i);
			images.add(new SampleImage(imageSizes.get(i)[0], imageSizes.get(i)[1], (int) grid[0], (int) grid[1],
					(int) grid[2]));
		}
		Object method = sample.fields().get("accu_reward_method");
		return new RewardSample(sample.question(), sample.solution(), sample.fields(), images,
				method instanceof String m ? m : null);
	}

}

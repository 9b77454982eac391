package dev.vlmr1.studio.executor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.vlmr1.studio.reward.Completion;
import dev.vlmr1.studio.reward.RewardBatch;
import dev.vlmr1.studio.reward.RewardConfiguration;
import dev.vlmr1.studio.reward.RewardSample;
import dev.vlmr1.studio.reward.SampleImage;
import dev.vlmr1.studio.train.RewardScorer;

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
				for (String fn : batch.functions()) {
					perFunction.put(fn, batch.scores(fn));
				}
				return new Scores(batch.totals(), perFunction);
			}
		};
	}

	private static RewardSample sample(RewardScorer.Request r) {
		List<SampleImage> images = new ArrayList<>();
		for (int i = 0; i < r.imageSizes().size(); i++) {
			long[] grid = r.imageGridThw().get(i);
			images.add(new SampleImage(r.imageSizes().get(i)[0], r.imageSizes().get(i)[1], (int) grid[0], (int) grid[1],
					(int) grid[2]));
		}
		Object method = r.sample().fields().get("accu_reward_method");
		return new RewardSample(r.sample().question(), r.sample().solution(), r.sample().fields(), images,
				method instanceof String m ? m : null);
	}

}

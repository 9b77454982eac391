package dev.vlmr1.studio.train;

import java.util.List;
import java.util.Map;

/**
 * Scores completions for the GRPO trainer (GRPO.md step 4). The reward library's weighted configuration adapts to
 * this; the trainer only needs totals for advantages and per-function scores for {@code rewards/<fn>/mean}.
 */
public interface RewardScorer {

	/** The reward functions' names, in the order of {@link Scores#perFunction()}. */
	List<String> functionNames();

	/** Scores every completion; {@code requests} and the returned arrays share one order. */
	Scores score(List<Request> requests);

	/**
	 * What a reward function may look at for one completion.
	 *
	 * @param completion decoded completion text, special tokens removed
	 * @param completionTokens completion length in tokens (up to and including EOS)
	 * @param imageSizes {width, height} of each original image, in prompt order
	 * @param imageGridThw {t, h, w} patch grid of each image as the model saw it
	 */
	record Request(TrainingSample sample, String completion, int completionTokens, List<int[]> imageSizes,
			List<long[]> imageGridThw) {
	}

	/**
	 * @param totals [N] Σ_f w_f · r_f per completion
	 * @param perFunction [N] unweighted score per function name
	 * @param parsedShare per function name, the share of completions it could parse (absent when unknown)
	 */
	record Scores(double[] totals, Map<String, double[]> perFunction, Map<String, Double> parsedShare) {

		public Scores(double[] totals, Map<String, double[]> perFunction) {
			this(totals, perFunction, Map.of());
		}

	}

}

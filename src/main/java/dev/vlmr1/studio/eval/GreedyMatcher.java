package dev.vlmr1.studio.eval;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

import dev.vlmr1.studio.reward.Detection;
import dev.vlmr1.studio.reward.Iou;

/**
 * Greedy one-to-one matching of predictions to ground truths of the same label (case-insensitive): pairs are
 * taken by decreasing IoU while the IoU is at least the threshold.
 */
final class GreedyMatcher {

	private GreedyMatcher() {
	}

	private record Pair(int gt, int pred, double iou) {
	}

	/** How many predictions find a ground truth. */
	static int truePositives(List<Detection> groundTruth, List<Detection> predictions, double threshold) {
		List<Pair> pairs = new ArrayList<>();
		for (int g = 0; g < groundTruth.size(); g++) {
			for (int p = 0; p < predictions.size(); p++) {
				if (key(groundTruth.get(g)).equals(key(predictions.get(p)))) {
					double iou = Iou.standard(groundTruth.get(g).box(), predictions.get(p).box());
					if (iou >= threshold) {
						pairs.add(new Pair(g, p, iou));
					}
				}
			}
		}
		pairs.sort(Comparator.comparingDouble(Pair::iou).reversed());
		boolean[] gtUsed = new boolean[groundTruth.size()];
		boolean[] predUsed = new boolean[predictions.size()];
		int matched = 0;
		for (Pair pair : pairs) {
			if (!gtUsed[pair.gt()] && !predUsed[pair.pred()]) {
				gtUsed[pair.gt()] = true;
				predUsed[pair.pred()] = true;
				matched++;
			}
		}
		return matched;
	}

	private static String key(Detection d) {
		return d.label().strip().toLowerCase(Locale.ROOT);
	}

}

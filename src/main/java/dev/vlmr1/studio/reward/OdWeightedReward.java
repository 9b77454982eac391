package dev.vlmr1.studio.reward;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * {@code od_weighted}: greedy matching by highest IoU, stopping below {@code min_iou}; a matched pair whose labels
 * differ stays matched but counts IoU 0. position = Σ IoU / N_gt, completeness = 1 − (miss rate + false alarm
 * rate) / 2, score = w·position + (1 − w)·completeness. N_gt = 0 scores 1 without predictions, else 0.
 */
public final class OdWeightedReward implements RewardFunction {

	private final boolean rescale;

	private final double minIou;

	private final double positionWeight;

	public OdWeightedReward(RewardParams params) {
		this.rescale = params.bool("rescale");
		this.minIou = params.number("min_iou");
		this.positionWeight = params.number("position_weight");
	}

	@Override
	public String name() {
		return "od_weighted";
	}

	private record Pair(int gt, int pred, double iou) {
	}

	@Override
	public RewardResult evaluate(Completion completion, RewardSample sample) {
		OvdAnswer read = OvdAnswer.read(completion, sample, rescale);
		List<Detection> gts = read.truth().detections();
		List<Detection> preds = read.predicted().detections();
		int nPred = read.predicted().items();
		if (gts.isEmpty()) {
			return RewardResult.of(read.bothEmpty() ? 1 : 0, read.parse());
		}
		List<Pair> pairs = new ArrayList<>();
		for (int g = 0; g < gts.size(); g++) {
			for (int p = 0; p < preds.size(); p++) {
				pairs.add(new Pair(g, p, Iou.standard(gts.get(g).box(), preds.get(p).box())));
			}
		}
		// stable sort: among equal IoUs the earlier ground truth, then the earlier prediction, wins
		pairs.sort(Comparator.comparingDouble(Pair::iou).reversed());
		boolean[] gtUsed = new boolean[gts.size()];
		boolean[] predUsed = new boolean[preds.size()];
		int matched = 0;
		double iouSum = 0;
		for (Pair pair : pairs) {
			if (pair.iou() < minIou) {
				break;
			}
			if (gtUsed[pair.gt()] || predUsed[pair.pred()]) {
				continue;
			}
			gtUsed[pair.gt()] = true;
			predUsed[pair.pred()] = true;
			matched++;
			boolean sameLabel = CocoAp.key(gts.get(pair.gt()).label()).equals(CocoAp.key(preds.get(pair.pred()).label()));
			iouSum += sameLabel ? pair.iou() : 0;
		}
		double position = iouSum / gts.size();
		double missRate = (double) (gts.size() - matched) / gts.size();
		double falseAlarmRate = (nPred == 0) ? 0 : (double) (nPred - matched) / nPred;
		double completeness = 1 - (missRate + falseAlarmRate) / 2;
		double score = positionWeight * position + (1 - positionWeight) * completeness;
		String note = "matched=" + matched + " position=" + position + " completeness=" + completeness;
		return RewardResult.of(score, read.parse().withNote(note));
	}

}

package dev.vlmr1.studio.reward;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * COCO-style box AP as pycocotools computes it (area range "all", at most 100 detections per image and category,
 * 101-point interpolated precision), for detections without scores: every prediction has score 1.0, so they are
 * ranked in answer order (COCO's stable sort). Categories are the distinct ground-truth labels, compared
 * case-insensitively; predictions whose label is no ground-truth category are dropped.
 */
public final class CocoAp {

	/** pycocotools' iouThrs = np.linspace(.5, .95, 10). */
	static final double[] IOU_THRESHOLDS = linspace(0.5, 0.95, 10);

	/** pycocotools' recThrs = np.linspace(0, 1, 101). */
	private static final double[] RECALL_THRESHOLDS = linspace(0.0, 1.0, 101);

	private static final int MAX_DETS = 100;

	/** One image's ground truth and predictions. */
	public record Image(List<Detection> groundTruth, List<Detection> predictions) {

		public Image {
			groundTruth = List.copyOf(groundTruth);
			predictions = List.copyOf(predictions);
		}

	}

	/**
	 * @param ap AP@[.5:.95], mean over IoU thresholds and categories
	 * @param ap50 AP@.5, mean over categories
	 * @param perCategory AP@[.5:.95] of each (lower-cased) category
	 */
	public record Result(double ap, double ap50, Map<String, Double> perCategory) {
	}

	private CocoAp() {
	}

	/**
	 * AP over a set of images. Returns 0 for both when there is no ground-truth category at all (callers decide
	 * what an empty ground truth means).
	 */
	public static Result evaluate(List<Image> images) {
		Set<String> categories = new LinkedHashSet<>();
		images.forEach((im) -> im.groundTruth().forEach((d) -> categories.add(key(d.label()))));
		if (categories.isEmpty()) {
			return new Result(0, 0, Map.of());
		}
		Map<String, Double> perCategory = new LinkedHashMap<>();
		double sum = 0;
		double sum50 = 0;
		for (String category : categories) {
			// IoUs per image, (dets, gts), computed once and reused for all ten thresholds
			List<double[][]> ious = new ArrayList<>();
			List<List<Box>> predicted = new ArrayList<>();
			int groundTruths = 0;
			for (Image image : images) {
				List<Box> gts = boxesOf(image.groundTruth(), category, Integer.MAX_VALUE);
				List<Box> dts = boxesOf(image.predictions(), category, MAX_DETS);
				ious.add(iouMatrix(dts, gts));
				predicted.add(dts);
				groundTruths += gts.size();
			}
			double catSum = 0;
			for (int t = 0; t < IOU_THRESHOLDS.length; t++) {
				List<Boolean> hits = new ArrayList<>();
				for (int i = 0; i < ious.size(); i++) {
					List<Boolean> imageHits = match(ious.get(i), IOU_THRESHOLDS[t]);
					for (int d = 0; d < imageHits.size(); d++) {
						// pycocotools ignores an unmatched detection outside the area range [0, 1e10]: a box with
						// one inverted axis (negative area) is neither a hit nor a false positive
						double area = predicted.get(i).get(d).area();
						if (imageHits.get(d) || (area >= 0 && area <= 1e10)) {
							hits.add(imageHits.get(d));
						}
					}
				}
				double ap = interpolatedAp(hits, groundTruths);
				catSum += ap;
				if (t == 0) {
					sum50 += ap;
				}
			}
			perCategory.put(category, catSum / IOU_THRESHOLDS.length);
			sum += catSum;
		}
		return new Result(sum / (categories.size() * IOU_THRESHOLDS.length), sum50 / categories.size(), perCategory);
	}

	/** AP of a single image. */
	public static Result oneImage(List<Detection> groundTruth, List<Detection> predictions) {
		return evaluate(List.of(new Image(groundTruth, predictions)));
	}

	private static double[][] iouMatrix(List<Box> dts, List<Box> gts) {
		double[][] m = new double[dts.size()][gts.size()];
		for (int d = 0; d < dts.size(); d++) {
			for (int g = 0; g < gts.size(); g++) {
				m[d][g] = Iou.standard(dts.get(d), gts.get(g));
			}
		}
		return m;
	}

	/**
	 * pycocotools' evaluateImg: each detection in rank order takes the unmatched ground truth of highest IoU, if
	 * that IoU is at least the threshold (ties go to the later ground truth, as there).
	 */
	static List<Boolean> match(double[][] ious, double threshold) {
		int gtCount = (ious.length == 0) ? 0 : ious[0].length;
		boolean[] taken = new boolean[gtCount];
		List<Boolean> hits = new ArrayList<>(ious.length);
		for (double[] row : ious) {
			double best = Math.min(threshold, 1 - 1e-10);
			int m = -1;
			for (int g = 0; g < gtCount; g++) {
				if (!taken[g] && row[g] >= best) {
					best = row[g];
					m = g;
				}
			}
			if (m >= 0) {
				taken[m] = true;
			}
			hits.add(m >= 0);
		}
		return hits;
	}

	/** pycocotools' accumulate for one category and threshold: monotone precision sampled at 101 recalls. */
	static double interpolatedAp(List<Boolean> hits, int groundTruths) {
		int n = hits.size();
		if (groundTruths == 0 || n == 0) {
			return 0;
		}
		double[] recall = new double[n];
		double[] precision = new double[n];
		int tp = 0;
		for (int i = 0; i < n; i++) {
			tp += hits.get(i) ? 1 : 0;
			recall[i] = (double) tp / groundTruths;
			// pycocotools adds np.spacing(1) to the denominator against 0/0; i + 1 >= 1 here, and leaving it out
			// keeps a perfect answer at exactly 1.0 instead of 0.9999999999999998
			precision[i] = tp / (double) (i + 1);
		}
		for (int i = n - 1; i > 0; i--) {
			precision[i - 1] = Math.max(precision[i - 1], precision[i]);
		}
		double sum = 0;
		int idx = 0;
		for (double r : RECALL_THRESHOLDS) {
			// searchsorted(recall, r, side="left"): first index with recall >= r
			while (idx < n && recall[idx] < r) {
				idx++;
			}
			sum += (idx < n) ? precision[idx] : 0;
		}
		return sum / RECALL_THRESHOLDS.length;
	}

	private static List<Box> boxesOf(List<Detection> detections, String category, int max) {
		return detections.stream().filter((d) -> key(d.label()).equals(category)).limit(max).map(Detection::box)
			.toList();
	}

	static String key(String label) {
		return label.strip().toLowerCase(Locale.ROOT);
	}

	/** numpy's linspace: start + i·step, with the last point exactly {@code stop}. */
	private static double[] linspace(double start, double stop, int num) {
		double step = (stop - start) / (num - 1);
		double[] out = new double[num];
		for (int i = 0; i < num; i++) {
			out[i] = start + i * step;
		}
		out[num - 1] = stop;
		return out;
	}

}

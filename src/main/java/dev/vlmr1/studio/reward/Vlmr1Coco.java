package dev.vlmr1.studio.reward;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * VLM-R1's {@code calculate_map} on one image, as its pycocotools run computes it: categories are the exact
 * ground-truth labels (case-sensitive), every prediction scores 1.0 and keeps answer order, IoU is pycocotools'
 * {@code bbIou} on [x, y, w, h] (0 as soon as either box has an inverted axis), a box whose area lies outside
 * [0, 1e10] is ignored (an unmatched prediction with one inverted axis neither hits nor misses; a ground truth with
 * one counts in no recall), and AP is the 101-point interpolated precision averaged over the IoU thresholds and the
 * categories that have a counted ground truth.
 */
final class Vlmr1Coco {

	private static final double MAX_AREA = 1e10;

	private static final int MAX_DETS = 100;

	/** A labelled box: {@code key} identifies its category (the label as Python's dict keys compare it). */
	record Item(String key, Box box) {

		double area() {
			return box.area();
		}

	}

	private Vlmr1Coco() {
	}

	/**
	 * COCO's stats[0] (AP@[.5:.95]) or stats[1] (AP@.5).
	 * @return the AP, or -1 (pycocotools' "no value") when no category has a ground truth inside the area range
	 */
	static double ap(List<Item> gts, List<Item> dts, boolean ap50Only) {
		Map<String, List<Item>> gtByCat = new LinkedHashMap<>();
		gts.forEach((g) -> gtByCat.computeIfAbsent(g.key(), (k) -> new ArrayList<>()).add(g));
		double sum = 0;
		int values = 0;
		for (Map.Entry<String, List<Item>> cat : gtByCat.entrySet()) {
			List<Item> catDts = dts.stream().filter((d) -> d.key().equals(cat.getKey())).limit(MAX_DETS).toList();
			// ground truths inside the area range first, stable (pycocotools' gtind)
			List<Item> sortedGts = new ArrayList<>();
			cat.getValue().stream().filter((g) -> !outOfRange(g)).forEach(sortedGts::add);
			cat.getValue().stream().filter(Vlmr1Coco::outOfRange).forEach(sortedGts::add);
			long counted = cat.getValue().stream().filter((g) -> !outOfRange(g)).count();
			if (counted == 0) {
				continue;
			}
			double[] thresholds = ap50Only ? new double[] { CocoAp.IOU_THRESHOLDS[0] } : CocoAp.IOU_THRESHOLDS;
			for (double t : thresholds) {
				sum += apAt(sortedGts, catDts, t, counted);
				values++;
			}
		}
		return (values == 0) ? -1 : sum / values;
	}

	private static boolean outOfRange(Item i) {
		return i.area() < 0 || i.area() > MAX_AREA;
	}

	/** evaluateImg then accumulate for one category and threshold. */
	private static double apAt(List<Item> gts, List<Item> dts, double t, long counted) {
		boolean[] gtMatched = new boolean[gts.size()];
		List<Boolean> hits = new ArrayList<>();
		for (Item d : dts) {
			double best = Math.min(t, 1 - 1e-10);
			int m = -1;
			for (int g = 0; g < gts.size(); g++) {
				if (gtMatched[g]) {
					continue;
				}
				if (m > -1 && !outOfRange(gts.get(m)) && outOfRange(gts.get(g))) {
					break;
				}
				double iou = bbIou(d.box(), gts.get(g).box());
				if (iou < best) {
					continue;
				}
				best = iou;
				m = g;
			}
			if (m >= 0) {
				gtMatched[m] = true;
				if (!outOfRange(gts.get(m))) {
					hits.add(true);
				}
			}
			else if (!outOfRange(d)) {
				hits.add(false);
			}
		}
		return CocoAp.interpolatedAp(hits, (int) counted);
	}

	/** pycocotools' bbIou for corner boxes: 0 when the overlap is not positive in x or in y. */
	static double bbIou(Box d, Box g) {
		double w = Math.min(d.x2(), g.x2()) - Math.max(d.x1(), g.x1());
		if (w <= 0) {
			return 0;
		}
		double h = Math.min(d.y2(), g.y2()) - Math.max(d.y1(), g.y1());
		if (h <= 0) {
			return 0;
		}
		double i = w * h;
		return i / (d.area() + g.area() - i);
	}

}

package dev.vlmr1.studio.reward;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;

import com.fasterxml.jackson.databind.JsonNode;
import org.jspecify.annotations.Nullable;

/**
 * VLM-R1's detection rewards, step for step: {@code map_reward} (the {@code map} method and, behind
 * {@code od_reward}/{@code odLength_reward}, {@code od_ap}, {@code od_ap50}, {@code od_length}) and
 * {@code detection_score} ({@code weighted_sum}). Two of its bugs are fixed, each a documented deviation: a
 * ground truth with no counted box scores 0 instead of pycocotools' −1, and an unreadable prediction does not count
 * as "nothing detected" against an empty ground truth (VLM-R1 scored such garbage 1.0).
 */
final class Vlmr1Ovd {

	/** A parsed side: the items of the last json fence (VLM-R1's N), and whether anything readable was there. */
	record Side(List<JsonNode> items, boolean readable) {
	}

	private Vlmr1Ovd() {
	}

	/**
	 * The ground truth's items: the last json fence of the text. Deviation: without a fence, a text that is a bare
	 * JSON list is read as one (VLM-R1 reads no list there, so every prediction against it scored as wrong).
	 */
	static Side truth(String text) {
		@Nullable String fence = Vlmr1Text.lastJsonFence(text);
		String json = (fence == null) ? bareList(text) : PyText.strip(fence);
		if (json.isEmpty()) {
			return new Side(List.of(), true);
		}
		@Nullable JsonNode data = PyJson.loads(json);
		@Nullable List<JsonNode> items = (data == null) ? null : PyJson.items(data);
		if (items == null) {
			// VLM-R1 raises here (no try around the ground truth)
			throw new IllegalArgumentException("ground truth is not a JSON detection list: " + BoxParser.abbreviate(json));
		}
		return new Side(items, true);
	}

	/** The text itself when it is a bare JSON list, else "". */
	private static String bareList(String text) {
		String s = PyText.strip(text);
		@Nullable JsonNode data = s.startsWith("[") ? PyJson.loads(s) : null;
		return (data != null && data.isArray()) ? s : "";
	}

	/** The prediction's items: the last json fence of the text; an unparsable one counts as empty. */
	static Side prediction(String text) {
		@Nullable String fence = Vlmr1Text.lastJsonFence(text);
		if (fence == null) {
			return new Side(List.of(), false);
		}
		@Nullable JsonNode data = PyJson.loads(PyText.strip(fence));
		@Nullable List<JsonNode> items = (data == null) ? null : PyJson.items(data);
		return (items == null) ? new Side(List.of(), false) : new Side(items, true);
	}

	/**
	 * {@code map_reward(content, sol, length_reward, score_type)}.
	 * @param noneAnswer the prediction was the literal None (readable: nothing detected)
	 * @param rescale maps a predicted box into the ground truth's frame (identity unless the term asks)
	 */
	static double mapReward(Side pred, Side gt, boolean noneAnswer, boolean lengthReward, boolean ap50,
			UnaryOperator<Box> rescale) {
		double reward;
		if (!pred.items().isEmpty() && !gt.items().isEmpty()) {
			reward = Math.max(0, calculateMap(pred.items(), gt.items(), ap50, rescale));
		}
		else if (pred.items().isEmpty() && gt.items().isEmpty()) {
			reward = (pred.readable() || noneAnswer) ? 1.0 : 0.0;
		}
		else {
			reward = 0.0;
		}
		if (lengthReward && pred.items().size() > gt.items().size()) {
			return reward * gt.items().size() / pred.items().size();
		}
		return reward;
	}

	/** The well-formed entries of a side, for the dry run. */
	static List<Detection> shown(List<JsonNode> items, UnaryOperator<Box> frame) {
		List<Detection> out = new ArrayList<>();
		for (JsonNode item : items) {
			@Nullable JsonNode label = PyJson.get(item, "label");
			double @Nullable [] b = PyJson.box(PyJson.get(item, "bbox_2d"));
			if (label != null && label.isTextual() && b != null) {
				out.add(new Detection(label.textValue(), frame.apply(new Box(b[0], b[1], b[2], b[3]))));
			}
		}
		return out;
	}

	/** {@code calculate_map}: -1 when no category has a counted ground truth (the caller clips it to 0). */
	static double calculateMap(List<JsonNode> pred, List<JsonNode> gt, boolean ap50, UnaryOperator<Box> rescale) {
		List<Vlmr1Coco.Item> gts = new ArrayList<>();
		for (JsonNode g : gt) {
			@Nullable JsonNode label = PyJson.get(g, "label");
			@Nullable String key = PyJson.key(label);
			double @Nullable [] b = PyJson.box(PyJson.get(g, "bbox_2d"));
			if (label == null || key == null || b == null) {
				throw new IllegalArgumentException("ground truth entry is not {\"bbox_2d\": [4 numbers], \"label\": …}: "
						+ g);
			}
			gts.add(new Vlmr1Coco.Item(key, new Box(b[0], b[1], b[2], b[3])));
		}
		Set<String> categories = new java.util.HashSet<>();
		gts.forEach((g) -> categories.add(g.key()));
		List<Vlmr1Coco.Item> dts = new ArrayList<>();
		for (JsonNode p : pred) {
			// VLM-R1 skips any entry its dict lookups or arithmetic raise on
			@Nullable String key = PyJson.key(PyJson.get(p, "label"));
			double @Nullable [] b = PyJson.box(PyJson.get(p, "bbox_2d"));
			if (key != null && categories.contains(key) && b != null) {
				dts.add(new Vlmr1Coco.Item(key, rescale.apply(new Box(b[0], b[1], b[2], b[3]))));
			}
		}
		if (dts.isEmpty()) {
			return 0.0;
		}
		return Vlmr1Coco.ap(gts, dts, ap50);
	}

	/**
	 * {@code weighted_sum}: clean both sides; "none" against "none" is 1; otherwise {@code detection_score} on the
	 * first json fence of each cleaned (lower-cased) text.
	 */
	static double weightedSum(String completion, String wrappedSolution, double minIou, double alpha,
			UnaryOperator<Box> rescale) {
		String content = Vlmr1Text.clean(completion);
		String sol = Vlmr1Text.clean(wrappedSolution);
		if (sol.equals("none")) {
			return content.equals("none") ? 1.0 : 0.0;
		}
		return detectionScore(content, sol, minIou, alpha, rescale);
	}

	/**
	 * {@code detection_score}: greedy matching by highest VLM-R1 IoU (pred-major order breaks ties), stopping below
	 * the threshold; a matched pair with different labels counts IoU 0. A matched prediction without a label is a
	 * label mismatch here (VLM-R1 raised, or reused the previous match's label).
	 */
	static double detectionScore(String content, String sol, double minIou, double alpha, UnaryOperator<Box> rescale) {
		List<JsonNode> preds = List.of();
		@Nullable String predJson = Vlmr1Text.firstJsonFence(Vlmr1Text.clean(content));
		if (predJson != null && !PyText.strip(predJson).isEmpty()) {
			@Nullable JsonNode data = PyJson.loads(PyText.strip(predJson));
			@Nullable List<JsonNode> items = (data == null) ? null : PyJson.items(data);
			preds = (items == null) ? List.of() : items;
		}
		List<JsonNode> gts = List.of();
		@Nullable String gtJson = Vlmr1Text.firstJsonFence(Vlmr1Text.clean(sol));
		if (gtJson == null) {
			// deviation: a bare JSON list as ground truth is read, as in truth()
			gtJson = bareList(Vlmr1Text.clean(sol));
		}
		if (gtJson != null && !PyText.strip(gtJson).isEmpty()) {
			@Nullable JsonNode data = PyJson.loads(PyText.strip(gtJson));
			@Nullable List<JsonNode> items = (data == null) ? null : PyJson.items(data);
			if (items == null) {
				throw new IllegalArgumentException("ground truth is not a JSON detection list: "
						+ BoxParser.abbreviate(gtJson));
			}
			gts = items;
		}
		if (gts.isEmpty()) {
			return preds.isEmpty() ? 1.0 : 0.0;
		}
		if (preds.isEmpty()) {
			return 0.0;
		}
		double[][] iou = new double[preds.size()][gts.size()];
		for (int p = 0; p < preds.size(); p++) {
			double @Nullable [] pb = PyJson.box(PyJson.get(preds.get(p), "bbox_2d"));
			for (int g = 0; g < gts.size(); g++) {
				double @Nullable [] gb = PyJson.box(PyJson.get(gts.get(g), "bbox_2d"));
				iou[p][g] = (pb == null || gb == null) ? 0.0
						: vlmr1Iou(rescale.apply(new Box(pb[0], pb[1], pb[2], pb[3])), new Box(gb[0], gb[1], gb[2], gb[3]));
			}
		}
		boolean[] predUsed = new boolean[preds.size()];
		boolean[] gtUsed = new boolean[gts.size()];
		int matched = 0;
		double iouSum = 0;
		while (matched < Math.min(preds.size(), gts.size())) {
			double max = -1;
			int bestP = -1;
			int bestG = -1;
			for (int p = 0; p < preds.size(); p++) {
				for (int g = 0; g < gts.size(); g++) {
					if (!predUsed[p] && !gtUsed[g] && iou[p][g] > max) {
						max = iou[p][g];
						bestP = p;
						bestG = g;
					}
				}
			}
			if (max < minIou) {
				break;
			}
			@Nullable String predLabel = lowerLabel(preds.get(bestP));
			String gtLabel = lowerLabel(gts.get(bestG));
			boolean same = predLabel != null && predLabel.equals((gtLabel == null) ? "" : gtLabel);
			iouSum += same ? max : 0;
			predUsed[bestP] = true;
			gtUsed[bestG] = true;
			matched++;
		}
		double position = iouSum / gts.size();
		double missRate = (double) (gts.size() - matched) / gts.size();
		double falseAlarmRate = (double) (preds.size() - matched) / preds.size();
		double completeness = 1.0 - (missRate + falseAlarmRate) / 2.0;
		return alpha * position + (1 - alpha) * completeness;
	}

	/** {@code item["label"].lower()}, or null where that raises. */
	private static @Nullable String lowerLabel(JsonNode item) {
		@Nullable JsonNode label = PyJson.get(item, "label");
		return (label != null && label.isTextual()) ? PyText.lower(label.textValue()) : null;
	}

	/**
	 * VLM-R1's {@code iou}: inclusive-pixel intersection, exclusive areas, raw division (a negative union gives a
	 * negative IoU, as there); 0 where it divides by zero (its try/except).
	 */
	static double vlmr1Iou(Box a, Box b) {
		double inter = Iou.vlmr1Intersection(a, b);
		double union = a.area() + b.area() - inter;
		return (union == 0) ? 0 : inter / union;
	}

}

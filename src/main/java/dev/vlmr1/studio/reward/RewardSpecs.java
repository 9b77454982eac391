package dev.vlmr1.studio.reward;

import java.util.ArrayList;
import java.util.List;

import static dev.vlmr1.studio.reward.ParamSpec.bool;
import static dev.vlmr1.studio.reward.ParamSpec.choice;
import static dev.vlmr1.studio.reward.ParamSpec.integer;
import static dev.vlmr1.studio.reward.ParamSpec.number;
import static dev.vlmr1.studio.reward.RewardKind.ACCURACY;
import static dev.vlmr1.studio.reward.RewardKind.FORMAT;
import static dev.vlmr1.studio.reward.RewardKind.SHAPING;

/** The descriptions and parameters of every function of REWARDS.md, in the order the UI lists them. */
final class RewardSpecs {

	static final List<String> ACCURACY_NAMES = List.of("iou", "iou_threshold", "od_ap", "od_ap50", "od_length",
			"od_weighted", "map", "exact", "numeric", "math", "choice", "yes_no", "fuzzy");

	private static final ParamSpec VARIANT = choice("variant", "vlmr1", List.of("vlmr1", "standard"),
			"vlmr1: VLM-R1's IoU (inclusive-pixel intersection, exclusive areas); standard: plain IoU");

	private static final ParamSpec REC_RESCALE = bool("rescale", true,
			"Rescale the predicted box from the model's input frame (grid·14) to the original image");

	private static final ParamSpec OVD_RESCALE = bool("rescale", false,
			"Rescale predicted boxes from the model's input frame to the original image (VLM-R1 did not)");

	private RewardSpecs() {
	}

	static List<RewardFunctionSpec> all() {
		return List.of(
				spec("format", FORMAT, "1 if the whole completion is <think>…</think> <answer>…</answer>, else 0."),
				spec("format_rec", FORMAT,
						"1 if the completion has <think>…</think> then an <answer> holding a JSON object with "
								+ "[int, int, int, int], else 0."),
				spec("format_ovd", FORMAT,
						"1 if the answer is None or a JSON list of {\"bbox_2d\": [4 numbers], \"label\": string} "
								+ "(optionally in a ```json fence), else 0."),
				spec("iou", ACCURACY, "IoU in [0, 1] between the first [x1, y1, x2, y2] of the first answer and the "
						+ "ground-truth box.", VARIANT, REC_RESCALE),
				spec("iou_threshold", ACCURACY, "1 if the IoU is strictly greater than the threshold, else 0.",
						number("threshold", 0.5, 0.0, 1.0, "IoU above which the answer counts as correct"), VARIANT,
						REC_RESCALE),
				spec("od_ap", ACCURACY, "One-image COCO AP@[.5:.95] (101-point) of the detection list.", OVD_RESCALE),
				spec("od_ap50", ACCURACY, "One-image COCO AP@.5 (101-point) of the detection list.", OVD_RESCALE),
				spec("od_length", ACCURACY,
						"od_ap · min(1, N_gt / N_pred): AP that penalises redundant boxes (VLM-R1's best OVD reward).",
						OVD_RESCALE),
				spec("od_weighted", ACCURACY,
						"Greedy IoU matching: position_weight · ΣIoU/N_gt + (1 − position_weight) · completeness.",
						OVD_RESCALE, number("min_iou", 0.5, 0.0, 1.0, "Greedy matching stops below this IoU"),
						number("position_weight", 0.7, 0.0, 1.0, "Weight of the position term (rest: completeness)")),
				spec("map", ACCURACY,
						"VLM-R1's map: COCO AP@[.5:.95] of the last ```json list anywhere in the completion.",
						OVD_RESCALE),
				spec("exact", ACCURACY, "1 if clean(answer) equals clean(solution) (VLM-R1 all_match), else 0."),
				spec("numeric", ACCURACY,
						"1 if answer and solution read as the same float (VLM-R1 numeric_reward); commas, % and units "
								+ "read where float() fails.",
						number("rel_tol", 0.0, 0.0, 1.0, "Relative tolerance (0: exact, as VLM-R1)")),
				spec("math", ACCURACY,
						"1 if the answer (or its last \\boxed{}) equals the solution as a number, fraction or "
								+ "percentage, or after VLM-R1's LaTeX normalisation; no symbolic algebra."),
				spec("choice", ACCURACY, "1 if the option letter of the first answer equals the solution's (VLM-R1 mcq)."),
				spec("yes_no", ACCURACY, "1 if the first yes/no of the first answer equals the solution's (VLM-R1 yes_no), else 0."),
				spec("fuzzy", ACCURACY, "Normalised Levenshtein similarity of clean(answer) and clean(solution)."),
				spec("length_cosine", SHAPING,
						"Cosine length reward: short correct answers score highest, long wrong ones lowest.",
						choice("accuracy", "sample", withSample(),
								"Accuracy function deciding correctness; sample: the sample's accu_reward_method, "
										+ "else exact"),
						number("threshold", 0.7, 0.0, 1.0, "Accuracy score at or above which the answer is correct"),
						integer("max_length", 1024, 1, 1_000_000, "Lmax, in completion tokens"),
						choice("past_max_length", "wrap", List.of("wrap", "clip"),
								"Past Lmax: wrap (VLM-R1's cosine climbs again) or clip (stay at the Lmax value)"),
						number("correct_min", 0.5, -10, 10, "Reward of a correct answer at Lmax"),
						number("correct_max", 1.0, -10, 10, "Reward of a correct answer at length 0"),
						number("wrong_min", -0.5, -10, 10, "Reward of a wrong answer at Lmax"),
						number("wrong_max", 0.0, -10, 10, "Reward of a wrong answer at length 0")),
				spec("repetition", SHAPING,
						"−(1 − unique/total) over detection items, or over word n-grams otherwise; in [−1, 0].",
						integer("ngram", 6, 1, 100, "n of the word n-grams")));
	}

	private static List<String> withSample() {
		var names = new ArrayList<String>();
		names.add("sample");
		names.addAll(ACCURACY_NAMES);
		return names;
	}

	private static RewardFunctionSpec spec(String name, RewardKind kind, String description, ParamSpec... params) {
		return new RewardFunctionSpec(name, kind, description, List.of(params));
	}

}

package dev.vlmr1.studio.reward;

/** Builds the function a (validated) registry name and parameters stand for. */
final class RewardFactory {

	private RewardFactory() {
	}

	static RewardFunction create(String name, RewardParams p, AccuracyLookup lookup) {
		return switch (name) {
			case "format" -> FormatReward.thinkAnswer();
			case "format_rec" -> FormatReward.rec();
			case "format_ovd" -> new OvdFormatReward();
			case "iou" -> IouReward.continuous(p);
			case "iou_threshold" -> IouReward.thresholded(p);
			case "od_ap" -> new OdApReward(OdApReward.Mode.AP, p);
			case "od_ap50" -> new OdApReward(OdApReward.Mode.AP50, p);
			case "od_length" -> new OdApReward(OdApReward.Mode.LENGTH, p);
			case "od_weighted" -> new OdWeightedReward(p);
			case "map" -> new OdApReward(OdApReward.Mode.MAP, p);
			case "math" -> new MathReward();
			case "exact" -> new ExactReward();
			case "numeric" -> new NumericReward(p);
			case "choice" -> new ChoiceReward();
			case "yes_no" -> new YesNoReward();
			case "fuzzy" -> new FuzzyReward();
			case "length_cosine" -> new LengthCosineReward(p, lookup);
			case "repetition" -> new RepetitionReward(p);
			default -> throw new IllegalArgumentException("no implementation for reward function " + name);
		};
	}

}

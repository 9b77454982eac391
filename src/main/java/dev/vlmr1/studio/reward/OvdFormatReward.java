package dev.vlmr1.studio.reward;

import java.util.Optional;

/**
 * {@code format_ovd}: 1 when the (last) answer is {@code None} or a JSON list of {@code {"bbox_2d": [4 numbers],
 * "label": string}}, fenced or not.
 */
public final class OvdFormatReward implements RewardFunction {

	@Override
	public String name() {
		return "format_ovd";
	}

	@Override
	public RewardResult evaluate(Completion completion, RewardSample sample) {
		Optional<String> answer = Answers.last(completion.text());
		if (answer.isEmpty()) {
			return RewardResult.of(0, RewardParse.EMPTY.withNote("no <answer> block"));
		}
		DetectionList list = DetectionParser.parse(answer.get());
		RewardParse parse = RewardParse.answer(answer.get().strip())
			.withDetections(list.detections(), null)
			.withNote(list.wellFormed() ? (list.none() ? "None" : list.items() + " detections")
					: String.join("; ", list.problems()));
		return RewardResult.of(list.wellFormed() ? 1 : 0, parse);
	}

}

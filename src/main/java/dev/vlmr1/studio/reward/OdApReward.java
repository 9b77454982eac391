package dev.vlmr1.studio.reward;

import java.util.Optional;
import java.util.function.UnaryOperator;

import org.jspecify.annotations.Nullable;

/**
 * {@code od_ap} (AP@[.5:.95]), {@code od_ap50} (AP@.5) and {@code od_length} (AP · min(1, N_gt / N_pred)): VLM-R1's
 * {@code od_reward} and {@code odLength_reward}. The last answer block is the prediction (none: 0); {@code None}
 * against {@code None} is 1; otherwise {@code map_reward} on the answer: the last ```json fence of each side, AP as
 * its pycocotools run computes it ({@link Vlmr1Coco}), 1 when both lists are empty, 0 when one is. An unfenced list
 * is no prediction, as in VLM-R1. Deviations: against an empty ground truth, an answer that is neither None nor a
 * JSON list (fenced or not) scores 0 (VLM-R1: 1.0, as it finds no fence on either side), and a ground truth without a counted box 0 (VLM-R1: −1).
 */
public final class OdApReward implements RewardFunction {

	/** Which of the functions. */
	public enum Mode {

		AP("od_ap"), AP50("od_ap50"), LENGTH("od_length"), MAP("map");

		private final String functionName;

		Mode(String functionName) {
			this.functionName = functionName;
		}

	}

	private final Mode mode;

	private final boolean rescale;

	public OdApReward(Mode mode, RewardParams params) {
		this.mode = mode;
		this.rescale = params.bool("rescale");
	}

	@Override
	public String name() {
		return mode.functionName;
	}

	@Override
	public RewardResult evaluate(Completion completion, RewardSample sample) {
		String solution = Vlmr1Text.wrappedSolution(sample.solution());
		Optional<String> last = Vlmr1Text.lastAnswer(completion.text()).map(PyText::strip);
		UnaryOperator<Box> frame = rescale ? sample.firstImage()::toOriginal : UnaryOperator.identity();
		if (mode == Mode.MAP) {
			// map_reward reads the whole completion and the whole (wrapped) solution
			return score(Vlmr1Ovd.prediction(completion.text()), Vlmr1Ovd.truth(solution),
					last.map(OdApReward::saysNothing).orElse(false), last.orElse(null), frame);
		}
		@Nullable String truth = Vlmr1Text.firstAnswer(solution).map(PyText::strip).orElse(null);
		if (last.isEmpty()) {
			return RewardResult.of(0, RewardParse.answer(null).withNote("no <answer> block"));
		}
		String answer = last.get();
		if ("None".equals(truth) && answer.equals("None")) {
			return RewardResult.of(1, RewardParse.answer(answer).withNote("None vs None"));
		}
		return score(Vlmr1Ovd.prediction(answer), Vlmr1Ovd.truth((truth == null) ? "" : truth), saysNothing(answer),
				answer, frame);
	}

	/** The answer states that nothing was detected: {@code None} or an empty JSON list, fenced or not. */
	static boolean saysNothing(String answer) {
		if (answer.equals("None")) {
			return true;
		}
		var data = PyJson.loads(answer);
		return data != null && data.isArray() && data.isEmpty();
	}

	private RewardResult score(Vlmr1Ovd.Side pred, Vlmr1Ovd.Side truth, boolean noneAnswer, @Nullable String answer,
			UnaryOperator<Box> frame) {
		double score = Vlmr1Ovd.mapReward(pred, truth, noneAnswer, mode == Mode.LENGTH, mode == Mode.AP50, frame);
		String note = "N_gt=" + truth.items().size() + " N_pred=" + pred.items().size()
				+ (pred.readable() ? "" : " (no readable ```json list)");
		return RewardResult.of(score, RewardParse.answer(answer)
			.withDetections(Vlmr1Ovd.shown(pred.items(), frame), Vlmr1Ovd.shown(truth.items(), UnaryOperator.identity()))
			.withNote(note));
	}

}

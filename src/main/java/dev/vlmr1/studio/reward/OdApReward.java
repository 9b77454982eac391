package dev.vlmr1.studio.reward;

/**
 * {@code od_ap} (AP@[.5:.95]), {@code od_ap50} (AP@.5) and {@code od_length} (od_ap · min(1, N_gt / N_pred),
 * VLM-R1's odLength) on one image. Both empty scores 1, exactly one empty 0. Unlike VLM-R1, an unreadable answer
 * is not "empty" (VLM-R1 gave garbage 1.0 against a None ground truth) and an unfenced JSON list is read.
 */
public final class OdApReward implements RewardFunction {

	/** Which of the three functions. */
	public enum Mode {

		AP("od_ap"), AP50("od_ap50"), LENGTH("od_length");

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
		OvdAnswer read = OvdAnswer.read(completion, sample, rescale);
		RewardParse parse = read.parse();
		if (read.bothEmpty()) {
			return RewardResult.of(1, parse.withNote("None vs None"));
		}
		if (read.truth().isEmpty() || read.predicted().isEmpty()) {
			return RewardResult.of(0, parse);
		}
		CocoAp.Result ap = CocoAp.oneImage(read.truth().detections(), read.predicted().detections());
		double score = switch (mode) {
			case AP -> ap.ap();
			case AP50 -> ap.ap50();
			case LENGTH -> ap.ap() * Math.min(1.0, (double) read.truth().items() / read.predicted().items());
		};
		String note = "AP=" + ap.ap() + " AP50=" + ap.ap50() + " N_gt=" + read.truth().items() + " N_pred="
				+ read.predicted().items();
		return RewardResult.of(score, parse.withNote(note));
	}

}

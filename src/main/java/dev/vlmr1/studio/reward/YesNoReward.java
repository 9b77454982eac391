package dev.vlmr1.studio.reward;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code yes_no}: the first "yes"/"no" word of the answer equals the solution's. Whole words only (VLM-R1 matched
 * "no" inside "know" and scored two answers without yes/no as equal); a solution without yes/no scores 0.
 */
public final class YesNoReward implements RewardFunction {

	private static final Pattern YES_NO = Pattern.compile("\\b(yes|no)\\b");

	@Override
	public String name() {
		return "yes_no";
	}

	@Override
	public RewardResult evaluate(Completion completion, RewardSample sample) {
		String answer = Answers.lastOrWhole(completion.text()).strip();
		String said = first(answer);
		String truth = first(Answers.solution(sample.solution()));
		boolean ok = !truth.isEmpty() && truth.equals(said);
		return RewardResult.of(ok ? 1 : 0, RewardParse.answer(answer).withNote("said \"" + said + "\", solution \""
				+ truth + "\""));
	}

	private static String first(String text) {
		Matcher m = YES_NO.matcher(text.toLowerCase(Locale.ROOT));
		return m.find() ? m.group(1) : "";
	}

}

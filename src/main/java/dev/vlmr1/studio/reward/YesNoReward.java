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

	/**
	 * What {@code find} of the pattern answers, trying only where "yes" or "no" starts. Java's {@code \b} walks
	 * back over combining marks to their base character, so trying it at every position of a long run of marks
	 * took time quadratic in the run; a candidate's own letters end the run before it, so here each mark is walked
	 * at most once.
	 */
	static String first(String text) {
		String lower = text.toLowerCase(Locale.ROOT);
		// transparent bounds: the word boundary sees the text before the region, as find() does
		Matcher m = YES_NO.matcher(lower).useTransparentBounds(true);
		for (int i = 0; i < lower.length(); i++) {
			boolean candidate = lower.startsWith("yes", i) || lower.startsWith("no", i);
			if (candidate && m.region(i, lower.length()).lookingAt()) {
				return m.group(1);
			}
		}
		return "";
	}

}

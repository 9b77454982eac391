package dev.vlmr1.studio.reward;

import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * {@code choice}: the option letter of the answer equals the solution's (VLM-R1's {@code mcq}). A letter is a
 * capital standing alone and followed by punctuation, a closing bracket or the end ("B", "(B)", "B.", "answer: B").
 * An answer naming two different letters is ambiguous and scores 0 (VLM-R1 guessed with keyword heuristics).
 */
public final class ChoiceReward implements RewardFunction {

	private static final Pattern LETTER = Pattern.compile("(?<![A-Za-z])([A-Z])(?=[).,?!:;\\]]|\\s*$)");

	@Override
	public String name() {
		return "choice";
	}

	@Override
	public RewardResult evaluate(Completion completion, RewardSample sample) {
		String answer = Answers.lastOrWhole(completion.text()).strip();
		String truthText = Answers.solution(sample.solution());
		String truth = letter(truthText);
		if (truth == null) {
			truth = truthText.toUpperCase(Locale.ROOT);
		}
		String chosen = letter(answer);
		RewardParse parse = RewardParse.answer(answer).withNote("chose " + chosen + ", solution " + truth);
		return RewardResult.of(truth.equals(chosen) ? 1 : 0, parse);
	}

	/** The single option letter of a text, or null when there is none or more than one. */
	static @Nullable String letter(String text) {
		Matcher m = LETTER.matcher(text.replaceAll("\\s+", " "));
		Set<String> found = new LinkedHashSet<>();
		while (m.find()) {
			found.add(m.group(1));
		}
		return (found.size() == 1) ? found.iterator().next() : null;
	}

}

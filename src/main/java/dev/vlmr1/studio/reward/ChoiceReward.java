package dev.vlmr1.studio.reward;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * {@code choice}, VLM-R1's {@code mcq_reward}: the option letter of the first answer block (else the whole
 * completion) equals the solution's. Both sides are read by VLM-R1's {@code extract_choice}: upper-cased (so "b."
 * is B), a letter standing alone before punctuation or the end; of several, its keyword and position heuristics
 * pick one. A solution without a letter is compared as the wrapped solution text, as VLM-R1 does.
 */
public final class ChoiceReward implements RewardFunction {

	private static final List<String> KEYWORDS = List.of("答案", "选择", "正确", "是", "对", "ANSWER", "CORRECT", "CHOOSE",
			"SELECT", "RIGHT", "认为", "应该", "觉得", "THINK", "BELIEVE", "SHOULD");

	private static final String FOLLOWERS = "。.!！,，";

	private static final String LOOKAHEAD = ".,?!:;";

	@Override
	public String name() {
		return "choice";
	}

	@Override
	public RewardResult evaluate(Completion completion, RewardSample sample) {
		String solution = Vlmr1Text.wrappedSolution(sample.solution());
		@Nullable String truthChoice = extractChoice(Vlmr1Text.groundTruth(solution));
		String truth = (truthChoice != null) ? PyText.upper(truthChoice) : PyText.strip(solution);
		String text = completion.text();
		String answer = PyText.strip(Vlmr1Text.firstAnswer(text).orElse(text));
		@Nullable String chosen = extractChoice(answer);
		RewardParse parse = RewardParse.answer(answer).withNote("chose " + chosen + ", solution " + truth);
		return RewardResult.of((chosen != null && chosen.equals(truth)) ? 1 : 0, parse);
	}

	/** VLM-R1's {@code extract_choice}, over code points as Python indexes them; null when there is no letter. */
	static @Nullable String extractChoice(String raw) {
		int[] t = normalise(PyText.upper(raw));
		List<Integer> choices = new ArrayList<>();
		for (int i = 0; i < t.length; i++) {
			boolean letter = t[i] >= 'A' && t[i] <= 'Z';
			boolean alone = i == 0 || !(t[i - 1] >= 'A' && t[i - 1] <= 'Z');
			boolean before = i + 1 == t.length || LOOKAHEAD.indexOf(t[i + 1]) >= 0;
			if (letter && alone && before) {
				choices.add(t[i]);
			}
		}
		if (choices.isEmpty()) {
			return null;
		}
		if (choices.size() == 1) {
			return Character.toString(choices.get(0));
		}
		// VLM-R1 scores every occurrence of a letter at the position of its first one, so each distinct letter
		// earns its points once per occurrence: counted here, the text is searched once per letter, not per
		// occurrence (linear, not quadratic, in a completion full of letters)
		Map<Integer, Integer> occurrences = new LinkedHashMap<>();
		choices.forEach((c) -> occurrences.merge(c, 1, Integer::sum));
		Map<Integer, Integer> scores = new LinkedHashMap<>();
		for (Map.Entry<Integer, Integer> letter : occurrences.entrySet()) {
			int choice = letter.getKey();
			int pos = indexOf(t, choice);
			int points = 0;
			String context = new String(t, Math.max(0, pos - 20), Math.min(t.length, pos + 20) - Math.max(0, pos - 20));
			for (String keyword : KEYWORDS) {
				if (context.contains(keyword)) {
					points++;
				}
			}
			if (pos > t.length * 0.7) {
				points += 2;
			}
			if (pos < t.length - 1 && FOLLOWERS.indexOf(t[pos + 1]) >= 0) {
				points++;
			}
			scores.put(choice, points * letter.getValue());
		}
		int best = -1;
		int bestScore = Integer.MIN_VALUE;
		for (Map.Entry<Integer, Integer> e : scores.entrySet()) {
			if (e.getValue() > bestScore) {
				best = e.getKey();
				bestScore = e.getValue();
			}
		}
		return Character.toString(best);
	}

	/** {@code re.sub(r'\s+', ' ', text)} with Python's whitespace, as code points. */
	private static int[] normalise(String upper) {
		int[] cps = PyText.codePoints(upper);
		int[] out = new int[cps.length];
		int n = 0;
		for (int i = 0; i < cps.length; i++) {
			if (PyText.isSpace(cps[i])) {
				if (i == 0 || !PyText.isSpace(cps[i - 1])) {
					out[n++] = ' ';
				}
			}
			else {
				out[n++] = cps[i];
			}
		}
		return Arrays.copyOf(out, n);
	}

	private static int indexOf(int[] t, int cp) {
		for (int i = 0; i < t.length; i++) {
			if (t[i] == cp) {
				return i;
			}
		}
		return -1;
	}

}

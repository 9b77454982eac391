package dev.vlmr1.studio.reward;

import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code repetition}: −(1 − unique/total), in [−1, 0]. Over the entries of the answer's detection list (each as
 * {@code "x1,y1,x2,y2_label"}) when the last answer is one; otherwise over the word n-grams of the whole
 * completion (0 with fewer than n words).
 */
public final class RepetitionReward implements RewardFunction {

	private final int n;

	public RepetitionReward(RewardParams params) {
		this.n = params.integer("ngram");
	}

	@Override
	public String name() {
		return "repetition";
	}

	@Override
	public RewardResult evaluate(Completion completion, RewardSample sample) {
		Optional<DetectionList> list = Answers.last(completion.text())
			.map(DetectionParser::parse)
			.filter((d) -> !d.none() && d.problems().isEmpty() && d.items() > 0);
		int total;
		int unique;
		if (list.isPresent()) {
			List<String> items = detectionKeys(list.get());
			total = items.size();
			unique = new HashSet<>(items).size();
		}
		else {
			int[] words = wordIds(completion.text());
			total = Math.max(0, words.length - n + 1);
			unique = distinctWindows(words, n);
		}
		if (total == 0) {
			return RewardResult.of(0, RewardParse.EMPTY.withNote("nothing to compare"));
		}
		double score = -(1 - (double) unique / total);
		String note = unique + " unique of " + total + (list.isPresent() ? " detections" : " " + n + "-grams");
		RewardParse parse = RewardParse.EMPTY.withDetections(list.map(DetectionList::detections).orElse(null), null);
		return RewardResult.of(score, parse.withNote(note));
	}

	private static List<String> detectionKeys(DetectionList list) {
		return list.detections().stream().map((d) -> {
			Box b = d.box();
			return b.x1() + "," + b.y1() + "," + b.x2() + "," + b.y2() + "_" + d.label();
		}).toList();
	}

	/**
	 * The whitespace-separated words of the text as ids, equal words equal ids. An n-gram is then a window of ids
	 * instead of a joined string, so a long completion costs no copy of itself per n-gram.
	 */
	private static int[] wordIds(String text) {
		if (text.isBlank()) {
			return new int[0];
		}
		String[] words = text.strip().split("\\s+");
		Map<String, Integer> ids = new HashMap<>();
		int[] out = new int[words.length];
		for (int i = 0; i < words.length; i++) {
			out[i] = ids.computeIfAbsent(words[i], (w) -> ids.size());
		}
		return out;
	}

	/** How many distinct windows of n ids the sequence has (two n-grams are equal exactly when their words are). */
	private static int distinctWindows(int[] ids, int n) {
		Set<Window> seen = new HashSet<>();
		for (int i = 0; i + n <= ids.length; i++) {
			seen.add(new Window(ids, i, n));
		}
		return seen.size();
	}

	/** A window of n ids of a shared array. */
	private record Window(int[] ids, int start, int n) {

		@Override
		public boolean equals(Object other) {
			return other instanceof Window w && Arrays.equals(ids, start, start + n, w.ids, w.start, w.start + n);
		}

		@Override
		public int hashCode() {
			int h = 1;
			for (int i = start; i < start + n; i++) {
				h = 31 * h + ids[i];
			}
			return h;
		}

	}

}

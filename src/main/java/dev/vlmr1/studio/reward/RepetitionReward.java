package dev.vlmr1.studio.reward;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;

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
		List<String> items = list.isPresent() ? detectionKeys(list.get()) : ngrams(completion.text());
		if (items.isEmpty()) {
			return RewardResult.of(0, RewardParse.EMPTY.withNote("nothing to compare"));
		}
		int unique = new HashSet<>(items).size();
		double score = -(1 - (double) unique / items.size());
		String note = unique + " unique of " + items.size() + (list.isPresent() ? " detections" : " " + n + "-grams");
		RewardParse parse = RewardParse.EMPTY.withDetections(list.map(DetectionList::detections).orElse(null), null);
		return RewardResult.of(score, parse.withNote(note));
	}

	private static List<String> detectionKeys(DetectionList list) {
		return list.detections().stream().map((d) -> {
			Box b = d.box();
			return b.x1() + "," + b.y1() + "," + b.x2() + "," + b.y2() + "_" + d.label();
		}).toList();
	}

	private List<String> ngrams(String text) {
		String[] words = text.strip().split("\\s+");
		List<String> grams = new ArrayList<>();
		if (text.isBlank() || words.length < n) {
			return grams;
		}
		for (int i = 0; i + n <= words.length; i++) {
			grams.add(String.join(" ", Arrays.asList(words).subList(i, i + n)));
		}
		return grams;
	}

}

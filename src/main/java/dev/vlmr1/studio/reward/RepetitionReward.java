package dev.vlmr1.studio.reward;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import org.jspecify.annotations.Nullable;

/**
 * {@code repetition}, VLM-R1's {@code repetition_reward}: −(1 − unique/total), in [−1, 0]. The detection list is
 * looked for where VLM-R1 looks: the first ```json fence of the whole completion, else the first ``` fence, else the
 * first {@code [{…"bbox_2d"…"label"…}]}; when that is a non-empty JSON list, its entries holding both keys are the
 * items ({@code bbox_2d} and {@code label} joined). Otherwise the lower-cased words of the whole completion, in
 * n-grams (0 with fewer than n words). VLM-R1 first repairs malformed JSON with json_repair; that is not ported, so a
 * malformed list is read as plain text (see REWARDS-PARITY.md).
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
		String content = completion.text();
		if (content.isEmpty()) {
			return RewardResult.of(0, RewardParse.EMPTY.withNote("empty completion"));
		}
		@Nullable List<String> items = detectionItems(content);
		int total;
		int unique;
		if (items != null) {
			total = items.size();
			unique = new HashSet<>(items).size();
		}
		else {
			List<String> words = PyText.split(content);
			if (words.size() < n) {
				return RewardResult.of(0, RewardParse.EMPTY.withNote("fewer than " + n + " words"));
			}
			int[] ids = wordIds(words);
			total = Math.max(0, ids.length - n + 1);
			unique = distinctWindows(ids, n);
		}
		if (total == 0) {
			return RewardResult.of(0, RewardParse.EMPTY.withNote("nothing to compare"));
		}
		double score = -(1 - (double) unique / total);
		String note = unique + " unique of " + total + ((items != null) ? " detections" : " " + n + "-grams");
		return RewardResult.of(score, RewardParse.EMPTY.withNote(note));
	}

	/** The detection items VLM-R1 counts, or null when it falls back to words. */
	static @Nullable List<String> detectionItems(String content) {
		@Nullable String json = Vlmr1Text.firstJsonFence(content);
		if (json != null) {
			json = PyText.strip(json);
		}
		else {
			json = Vlmr1Text.firstFence(content);
			json = (json == null) ? null : PyText.strip(json);
			if (json == null || json.isEmpty()) {
				json = bareList(content);
			}
		}
		if (json == null || json.isEmpty()) {
			return null;
		}
		@Nullable JsonNode data = PyJson.loads(json);
		if (data == null || !data.isArray() || data.isEmpty()) {
			return null;
		}
		List<String> items = new ArrayList<>();
		for (JsonNode item : data) {
			if (item.isObject() && item.has("bbox_2d") && item.has("label")) {
				JsonNode label = item.get("label");
				items.add(item.get("bbox_2d").toString() + "_" + (label.isTextual() ? label.textValue() : label.toString()));
			}
		}
		return items;
	}

	/**
	 * {@code re.search(r'\[\s*{.*?"bbox_2d".*?"label".*?}\s*\]', content, re.DOTALL)}, in linear time: only the
	 * first '[' followed by '{' can start a match (every later start searches a suffix of what the first one
	 * searched), and the lazy parts take the earliest occurrence that lets the rest match.
	 */
	static @Nullable String bareList(String content) {
		int from = 0;
		while (true) {
			int open = content.indexOf('[', from);
			if (open < 0) {
				return null;
			}
			int brace = TagScan.skipSpace(content, open + 1);
			if (brace < content.length() && content.charAt(brace) == '{') {
				int box = content.indexOf("\"bbox_2d\"", brace + 1);
				int label = (box < 0) ? -1 : content.indexOf("\"label\"", box + 9);
				if (label < 0) {
					return null;
				}
				int close = content.indexOf('}', label + 7);
				while (close >= 0) {
					int bracket = TagScan.skipSpace(content, close + 1);
					if (bracket < content.length() && content.charAt(bracket) == ']') {
						return content.substring(open, bracket + 1);
					}
					close = content.indexOf('}', close + 1);
				}
				return null;
			}
			from = open + 1;
		}
	}

	/**
	 * The whitespace-separated words of the text as ids, equal words equal ids. An n-gram is then a window of ids
	 * instead of a joined string, so a long completion costs no copy of itself per n-gram.
	 */
	private static int[] wordIds(List<String> words) {
		Map<String, Integer> ids = new HashMap<>();
		int[] out = new int[words.size()];
		for (int i = 0; i < words.size(); i++) {
			out[i] = ids.computeIfAbsent(PyText.lower(words.get(i)), (w) -> ids.size());
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

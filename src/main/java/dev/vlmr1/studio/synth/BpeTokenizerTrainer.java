package dev.vlmr1.studio.synth;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Trains a byte-level BPE tokenizer built like Qwen2's (see {@link QwenPreTokenizer}) on a text corpus, as Hugging
 * Face's {@code BpeTrainer} does: start from the 256 byte characters, then repeatedly merge the most frequent
 * adjacent pair inside the pre-tokenized words until the vocabulary (bytes + merges + the 14 Qwen special tokens)
 * reaches the target size, or no pair occurs {@code minFrequency} times any more.
 *
 * <p>Deterministic: words are counted, sorted, and ties between equally frequent pairs go to the pair of smaller
 * ids. Pair counts are updated only for the words a merge touches, so a few thousand lines train in well under a
 * second.
 */
public final class BpeTokenizerTrainer {

	/** Bytes and special tokens: the smallest vocabulary there is. */
	public static final int MIN_VOCAB_SIZE = 256 + QwenSpecialTokens.ALL.size();

	private final int vocabSize;

	private final int minFrequency;

	/**
	 * @param vocabSize the total vocabulary size wanted, bytes and special tokens included (e.g. 1024)
	 * @param minFrequency pairs seen fewer times than this are never merged (at least 1)
	 */
	public BpeTokenizerTrainer(int vocabSize, int minFrequency) {
		if (vocabSize < MIN_VOCAB_SIZE) {
			throw new IllegalArgumentException(
					"vocab size " + vocabSize + " is below the " + MIN_VOCAB_SIZE + " bytes and special tokens");
		}
		if (minFrequency < 1) {
			throw new IllegalArgumentException("min frequency must be at least 1, got " + minFrequency);
		}
		this.vocabSize = vocabSize;
		this.minFrequency = minFrequency;
	}

	/** Trains on {@code texts}; special tokens inside them are recognised and not learnt from. */
	public BpeTokenizer train(Iterable<String> texts) {
		Map<String, Long> wordCounts = new TreeMap<>();
		var preTokenizer = new QwenPreTokenizer(QwenSpecialTokens.ALL);
		for (String text : texts) {
			preTokenizer.split(text, (word) -> wordCounts.merge(word, 1L, Long::sum));
		}
		List<String> vocab = new ArrayList<>(List.of(ByteLevel.ALPHABET));
		Map<String, Integer> ids = new HashMap<>();
		for (int i = 0; i < vocab.size(); i++) {
			ids.put(vocab.get(i), i);
		}
		Words words = new Words(wordCounts, ids);
		List<String[]> merges = new ArrayList<>();
		int bpeSize = vocabSize - QwenSpecialTokens.ALL.size();
		while (vocab.size() < bpeSize) {
			long best = words.mostFrequentPair(minFrequency);
			if (best < 0) {
				break;
			}
			int left = (int) (best >>> 32);
			int right = (int) best;
			String merged = vocab.get(left) + vocab.get(right);
			// two different pairs may spell the same token ("a"+"bc", "ab"+"c"): it keeps its first id, as in HF
			Integer id = ids.get(merged);
			if (id == null) {
				id = vocab.size();
				vocab.add(merged);
				ids.put(merged, id);
			}
			merges.add(new String[] { vocab.get(left), vocab.get(right) });
			words.merge(best, id);
		}
		return new BpeTokenizer(vocab, merges, QwenSpecialTokens.ALL);
	}

	/** The corpus as unique words of symbol ids with their counts, and the count of every adjacent pair. */
	private static final class Words {

		private final List<int[]> symbols = new ArrayList<>();

		private final List<Long> counts = new ArrayList<>();

		private final Map<Long, Long> pairCounts = new HashMap<>();

		/** Which words (indexes) contain a pair; may hold stale entries, which merging skips. */
		private final Map<Long, Set<Integer>> wordsWithPair = new HashMap<>();

		Words(Map<String, Long> wordCounts, Map<String, Integer> byteIds) {
			wordCounts.forEach((word, count) -> {
				int[] syms = new int[word.length()];
				for (int i = 0; i < syms.length; i++) {
					syms[i] = byteIds.get(String.valueOf(word.charAt(i)));
				}
				symbols.add(syms);
				counts.add(count);
				count(symbols.size() - 1, +1);
			});
		}

		/** The most frequent pair (ties: smaller left id, then smaller right id), or -1 if none reaches the min. */
		long mostFrequentPair(int minFrequency) {
			long best = -1;
			long bestCount = minFrequency - 1;
			for (var entry : pairCounts.entrySet()) {
				long count = entry.getValue();
				long pair = entry.getKey();
				if (count > bestCount || (count == bestCount && best >= 0 && pair < best)) {
					best = pair;
					bestCount = count;
				}
			}
			return best;
		}

		/** Replaces every occurrence of {@code pair} (left to right, non-overlapping) by {@code id}. */
		void merge(long pair, int id) {
			int left = (int) (pair >>> 32);
			int right = (int) pair;
			Set<Integer> affected = wordsWithPair.remove(pair);
			for (int w : affected == null ? Set.<Integer>of() : affected) {
				int[] syms = symbols.get(w);
				int[] merged = new int[syms.length];
				int n = 0;
				for (int i = 0; i < syms.length; i++) {
					if (i + 1 < syms.length && syms[i] == left && syms[i + 1] == right) {
						merged[n++] = id;
						i++;
					}
					else {
						merged[n++] = syms[i];
					}
				}
				if (n == syms.length) {
					continue; // stale entry: an earlier merge already consumed the pair here
				}
				count(w, -1);
				symbols.set(w, java.util.Arrays.copyOf(merged, n));
				count(w, +1);
			}
			pairCounts.remove(pair);
		}

		/** Adds ({@code sign} +1) or removes (-1) word {@code w}'s pairs from the counts. */
		private void count(int w, int sign) {
			int[] syms = symbols.get(w);
			long weight = sign * counts.get(w);
			for (int i = 0; i + 1 < syms.length; i++) {
				long pair = ((long) syms[i] << 32) | syms[i + 1];
				long updated = pairCounts.getOrDefault(pair, 0L) + weight;
				if (updated <= 0) {
					pairCounts.remove(pair);
				}
				else {
					pairCounts.put(pair, updated);
				}
				if (sign > 0) {
					wordsWithPair.computeIfAbsent(pair, (k) -> new HashSet<>()).add(w);
				}
			}
		}

	}

}

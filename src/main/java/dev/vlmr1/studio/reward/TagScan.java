package dev.vlmr1.studio.reward;

import org.jspecify.annotations.Nullable;

/**
 * Linear scans for the tag sequences VLM-R1 reads with lazy regular expressions. Java's backtracking engine retries
 * a lazy {@code .*?} from every start position, so a completion of many unclosed tags cost time quadratic (or worse)
 * in its length; these scans visit each character a bounded number of times and answer exactly what the regular
 * expressions they replace answered (named on each method).
 */
final class TagScan {

	static final String THINK = "<think>";

	static final String THINK_CLOSE = "</think>";

	static final String ANSWER = "<answer>";

	static final String ANSWER_CLOSE = "</answer>";

	private TagScan() {
	}

	/**
	 * The end of the earliest {@code </think>\s*<answer>} whose {@code </think>} starts at or after {@code from}, or
	 * -1. A match that starts earlier also ends earlier (the two tags cannot overlap a later match), so the earliest
	 * one is what any regular expression continuing after it needs.
	 */
	static int thinkThenAnswer(String text, int from) {
		int close = text.indexOf(THINK_CLOSE, from);
		while (close >= 0) {
			int tag = skipSpace(text, close + THINK_CLOSE.length());
			if (text.startsWith(ANSWER, tag)) {
				return tag + ANSWER.length();
			}
			// no </think> starts inside the one just read or in the whitespace after it
			close = text.indexOf(THINK_CLOSE, tag);
		}
		return -1;
	}

	/** The first index at or after {@code i} that is not Python's {@code \s} (VLM-R1's patterns are Python's). */
	static int skipSpace(String text, int i) {
		int j = i;
		while (j < text.length() && isSpace(text.charAt(j))) {
			j++;
		}
		return j;
	}

	/** Python's {@code \s}: Unicode whitespace, no-break spaces included. */
	static boolean isSpace(char c) {
		return PyText.isSpace(c);
	}

	/**
	 * The next {@code open…close} pair at or after {@code from}, as {@code open(.*?)close} (dot matching newlines)
	 * finds it: the first {@code open}, then the first {@code close} after it. When no {@code close} follows the
	 * first {@code open}, none follows a later one either, so the search ends there instead of retrying each later
	 * {@code open} to the end of the text.
	 * @return {start of content, end of content}, or null
	 */
	static int @Nullable [] nextPair(String text, String open, String close, int from) {
		int start = text.indexOf(open, from);
		if (start < 0) {
			return null;
		}
		int contentStart = start + open.length();
		int end = text.indexOf(close, contentStart);
		return (end < 0) ? null : new int[] { contentStart, end };
	}

}

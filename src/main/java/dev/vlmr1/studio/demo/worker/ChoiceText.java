package dev.vlmr1.studio.demo.worker;

import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * The text of one choice as its tokens arrive: decodes the tokens so far (a token can end in the middle of a UTF-8
 * character, so text is only final once the whole prefix decodes), ends the choice at the first stop string, and
 * says which new text is safe to send now. Text that could still become the start of a stop string, or an
 * incomplete character, is held back until the next token settles it: a streaming client never sees text a
 * non-streaming one would not.
 */
final class ChoiceText {

	private static final char REPLACEMENT = '\uFFFD';

	private final Function<long[], String> decode;

	private final List<String> stops;

	private long[] tokens = new long[16];

	private int count;

	private String text = "";

	private int sent;

	private boolean stopped;

	/**
	 * @param decode the tokenizer's decoding, special tokens left out
	 * @param stops strings that end the choice (may be empty)
	 */
	ChoiceText(Function<long[], String> decode, List<String> stops) {
		this.decode = decode;
		this.stops = stops.stream().filter((s) -> !s.isEmpty()).toList();
	}

	/**
	 * Adds a generated token.
	 * @return whether the text now reached a stop string (the choice ends; the text is cut before it)
	 */
	boolean add(long token) {
		if (stopped) {
			return true;
		}
		if (count == tokens.length) {
			tokens = Arrays.copyOf(tokens, count * 2);
		}
		tokens[count++] = token;
		String decoded = decode.apply(Arrays.copyOf(tokens, count));
		int cut = firstStop(decoded);
		if (cut >= 0) {
			text = decoded.substring(0, cut);
			stopped = true;
		}
		else {
			text = decoded;
		}
		return stopped;
	}

	/** The text not sent yet that can no longer change; marks it sent. */
	String takeSettled() {
		int settled = stopped ? text.length() : settledLength();
		return take(Math.max(sent, settled));
	}

	/** Everything not sent yet, at the end of the choice. */
	String takeRest() {
		return take(text.length());
	}

	/** The choice's text (so far), cut before a stop string. */
	String text() {
		return text;
	}

	/** Whether a stop string ended the choice. */
	boolean stopped() {
		return stopped;
	}

	private String take(int end) {
		String out = text.substring(sent, end);
		sent = end;
		return out;
	}

	/** Where the first stop string starts in {@code decoded}, or -1. */
	private int firstStop(String decoded) {
		int first = -1;
		// text that was sent cannot start a stop string (it was held back): searching from there keeps steps short
		int from = Math.min(sent, decoded.length());
		for (String stop : stops) {
			int at = decoded.indexOf(stop, from);
			if (at >= 0 && (first < 0 || at < first)) {
				first = at;
			}
		}
		return first;
	}

	/** The length of the text with an incomplete character, or a possible stop string's start, at its end held back. */
	private int settledLength() {
		int end = text.length();
		while (end > sent && text.charAt(end - 1) == REPLACEMENT) {
			end--;
		}
		int held = 0;
		for (String stop : stops) {
			for (int k = Math.min(stop.length() - 1, end); k > held; k--) {
				if (text.startsWith(stop.substring(0, k), end - k)) {
					held = k;
					break;
				}
			}
		}
		return Math.max(sent, end - held);
	}

}

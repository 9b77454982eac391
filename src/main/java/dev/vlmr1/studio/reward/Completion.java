package dev.vlmr1.studio.reward;

/**
 * One generated completion.
 *
 * @param text decoded text, special tokens removed
 * @param tokens completion length in tokens, or -1 when unknown (length_cosine then fails for it)
 */
public record Completion(String text, int tokens) {

	public static Completion of(String text) {
		return new Completion(text, -1);
	}

}

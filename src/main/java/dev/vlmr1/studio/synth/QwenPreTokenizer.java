package dev.vlmr1.studio.synth;

import java.text.Normalizer;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits text the way the Qwen2 {@code tokenizer.json} does before BPE: special tokens are cut out first (they never
 * take part in merges), each remaining piece is NFC-normalised and split by Qwen's regex (contractions, letter runs
 * with one leading non-letter, single digits, punctuation runs, whitespace), and every piece is written in
 * {@link ByteLevel} characters. Training on exactly these pieces means every learnt merge is one the tokenizer can
 * apply.
 */
final class QwenPreTokenizer {

	/** Qwen2's split pattern, verbatim from its {@code tokenizer.json}. */
	static final String SPLIT_REGEX = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}"
			+ "| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

	// Unicode classes: Rust's regex (which tokenizers uses) treats \s as Unicode White_Space, Java does so only here
	private static final Pattern SPLIT = Pattern.compile(SPLIT_REGEX, Pattern.UNICODE_CHARACTER_CLASS);

	private final List<String> specialTokens;

	QwenPreTokenizer(List<String> specialTokens) {
		this.specialTokens = specialTokens;
	}

	/** Hands each byte-level piece of {@code text} to {@code sink}, special tokens left out. */
	void split(String text, Consumer<String> sink) {
		int start = 0;
		while (start < text.length()) {
			int next = text.length();
			String found = null;
			for (String special : specialTokens) {
				int at = text.indexOf(special, start);
				if (at >= 0 && at < next) {
					next = at;
					found = special;
				}
			}
			splitPlain(text.substring(start, next), sink);
			start = found == null ? next : next + found.length();
		}
	}

	private static void splitPlain(String text, Consumer<String> sink) {
		if (text.isEmpty()) {
			return;
		}
		String normalized = Normalizer.normalize(text, Normalizer.Form.NFC);
		Matcher matcher = SPLIT.matcher(normalized);
		int last = 0;
		while (matcher.find()) {
			if (matcher.start() > last) {
				// HF's "Isolated" split keeps unmatched gaps as pieces too (the pattern leaves none in practice)
				sink.accept(ByteLevel.encode(normalized.substring(last, matcher.start())));
			}
			if (matcher.end() > matcher.start()) {
				sink.accept(ByteLevel.encode(matcher.group()));
			}
			last = matcher.end();
		}
		if (last < normalized.length()) {
			sink.accept(ByteLevel.encode(normalized.substring(last)));
		}
	}

}

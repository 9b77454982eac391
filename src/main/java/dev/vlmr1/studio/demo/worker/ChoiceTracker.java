package dev.vlmr1.studio.demo.worker;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.LongFunction;

import org.jspecify.annotations.Nullable;

import dev.vlmr1.studio.model.Generation;
import dev.vlmr1.studio.model.LogSoftmax;
import dev.vlmr1.studio.model.TokenListener;

/**
 * Follows a chat request's choices token by token while the generator runs: ends a choice at a stop string, records
 * the log-probabilities asked for, sends each choice's settled new text to a streaming client, and abandons the
 * generation as soon as the request is cancelled (the client went away), so no thread keeps decoding for nobody.
 */
final class ChoiceTracker implements TokenListener {

	/** Where a streaming request's progress goes, and whether it is still wanted. */
	interface Progress {

		void delta(int index, String text, @Nullable List<TokenLogprob> logprobs);

		boolean cancelled();

	}

	/** Thrown into the generator when the request is cancelled. */
	static final class Cancelled extends RuntimeException {

		Cancelled(int tokens) {
			super("cancelled by the client after " + tokens + " generated tokens");
		}

	}

	private final WorkerRequest.ChatOptions options;

	private final LongFunction<String> tokenText;

	private final Progress progress;

	private final ChoiceText[] texts;

	private final List<List<TokenLogprob>> logprobs = new ArrayList<>();

	private final int[] unsentLogprobs;

	private int tokens;

	/**
	 * @param decode the tokenizer's decoding of a token sequence, special tokens left out
	 * @param tokenText one token's text, special tokens included (for log-probabilities)
	 */
	ChoiceTracker(WorkerRequest.ChatOptions options, Function<long[], String> decode, LongFunction<String> tokenText,
			Progress progress) {
		this.options = options;
		this.tokenText = tokenText;
		this.progress = progress;
		this.texts = new ChoiceText[options.n()];
		this.unsentLogprobs = new int[options.n()];
		for (int i = 0; i < texts.length; i++) {
			texts[i] = new ChoiceText(decode, options.stop());
			logprobs.add(new ArrayList<>());
		}
	}

	@Override
	public boolean onToken(int sequence, long token, float[] logits, int offset, int vocab) {
		if (progress.cancelled()) {
			throw new Cancelled(tokens);
		}
		tokens++;
		// without stop strings or a stream the text is decoded once at the end: decoding every prefix costs
		boolean stop = follows() && texts[sequence].add(token);
		if (options.topLogprobs() >= 0) {
			logprobs.get(sequence).add(logprob(token, new LogSoftmax(logits, offset, vocab)));
			unsentLogprobs[sequence]++;
		}
		if (options.stream()) {
			send(sequence, texts[sequence].takeSettled());
		}
		return stop;
	}

	/**
	 * The choices once the generator is done, the rest of their text sent to a streaming client.
	 * @param eos whether each sequence's last token is an end-of-sequence token
	 */
	List<InferenceResult.Choice> finish(Generation generation, List<Long> eos) {
		List<InferenceResult.Choice> choices = new ArrayList<>();
		for (int i = 0; i < texts.length; i++) {
			long[] ids = generation.tokenIds().get(i);
			boolean ended = ids.length > 0 && eos.contains(ids[ids.length - 1]);
			if (options.stream()) {
				send(i, texts[i].takeRest());
			}
			String text = follows() ? texts[i].text() : generation.texts().get(i);
			choices.add(new InferenceResult.Choice(i, text,
					(ended || texts[i].stopped()) ? "stop" : "length", ids.length,
					options.topLogprobs() >= 0 ? List.copyOf(logprobs.get(i)) : null));
		}
		return choices;
	}

	private boolean follows() {
		return options.stream() || !options.stop().isEmpty();
	}

	private void send(int sequence, String text) {
		List<TokenLogprob> pending = null;
		if (unsentLogprobs[sequence] > 0) {
			List<TokenLogprob> all = logprobs.get(sequence);
			pending = List.copyOf(all.subList(all.size() - unsentLogprobs[sequence], all.size()));
		}
		if (text.isEmpty() && pending == null) {
			return;
		}
		progress.delta(sequence, text, pending);
		unsentLogprobs[sequence] = 0;
	}

	private TokenLogprob logprob(long token, LogSoftmax distribution) {
		List<TokenLogprob.Alternative> top = new ArrayList<>();
		for (LogSoftmax.Entry entry : distribution.top(options.topLogprobs())) {
			String text = tokenText.apply(entry.token());
			top.add(new TokenLogprob.Alternative(text, entry.logProb(), bytes(text)));
		}
		String text = tokenText.apply(token);
		return new TokenLogprob(text, distribution.of(token), bytes(text), top);
	}

	private static List<Integer> bytes(String text) {
		List<Integer> out = new ArrayList<>();
		for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
			out.add(b & 0xFF);
		}
		return out;
	}

}

package dev.vlmr1.studio.demo.worker;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * One line the worker writes to stdout, answering the request with the same id (id 0: the "ready" line, with the
 * worker's status).
 *
 * @param id the request's id
 * @param ok whether it succeeded
 * @param result the inference result ({@code infer})
 * @param status the worker's state ({@code status} and the ready line)
 * @param errorKind on failure: {@link #BAD_INPUT} (the request's fault), {@link #MODEL} (the checkpoint cannot be
 * used) or {@link #INTERNAL}
 * @param error on failure, a message for people
 * @param limit with {@link #TOO_LARGE}: the setting or model field the request went over
 * @param event a streaming request's progress, sent before its result line (which has no event); the request is
 * still running
 */
public record WorkerResponse(long id, boolean ok, @Nullable InferenceResult result, @Nullable WorkerStatus status,
		@Nullable String errorKind, @Nullable String error, @Nullable String limit, @Nullable StreamEvent event) {

	public static final String BAD_INPUT = "bad-input";

	public static final String MODEL = "model";

	public static final String INTERNAL = "internal";

	/** The request is over a limit (prompt tokens, images, memory): refused, nothing was run. */
	public static final String TOO_LARGE = "too-large";

	/** The request was cancelled before it finished; its error says how many tokens it had generated. */
	public static final String CANCELLED = "cancelled";

	/**
	 * A streaming request's progress.
	 *
	 * @param kind {@link #STARTED} (the request fits and generation begins) or {@link #DELTA}
	 * @param index the choice the text belongs to
	 * @param text the choice's new text (never text that might still turn out to be part of a stop string)
	 * @param logprobs with log-probabilities asked for: those of the tokens generated since the last delta
	 * @param promptTokens with {@link #STARTED}: the prompt's length in tokens
	 */
	public record StreamEvent(String kind, int index, String text, @Nullable List<TokenLogprob> logprobs,
			int promptTokens) {

		public static final String STARTED = "started";

		public static final String DELTA = "delta";

	}

	/** Whether this line is progress, not the request's answer. */
	public boolean progress() {
		return event != null;
	}

	static WorkerResponse started(long id, int promptTokens) {
		return new WorkerResponse(id, true, null, null, null, null, null,
				new StreamEvent(StreamEvent.STARTED, 0, "", null, promptTokens));
	}

	static WorkerResponse delta(long id, int index, String text, @Nullable List<TokenLogprob> logprobs) {
		return new WorkerResponse(id, true, null, null, null, null, null,
				new StreamEvent(StreamEvent.DELTA, index, text, logprobs, 0));
	}

	static WorkerResponse of(long id, InferenceResult result) {
		return new WorkerResponse(id, true, result, null, null, null, null, null);
	}

	static WorkerResponse of(long id, WorkerStatus status) {
		return new WorkerResponse(id, true, null, status, null, null, null, null);
	}

	static WorkerResponse failed(long id, String kind, String message) {
		return new WorkerResponse(id, false, null, null, kind, message, null, null);
	}

	static WorkerResponse tooLarge(long id, String limit, String message) {
		return new WorkerResponse(id, false, null, null, TOO_LARGE, message, limit, null);
	}

}

package dev.vlmr1.studio.demo.worker;

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
 */
public record WorkerResponse(long id, boolean ok, @Nullable InferenceResult result, @Nullable WorkerStatus status,
		@Nullable String errorKind, @Nullable String error, @Nullable String limit) {

	public static final String BAD_INPUT = "bad-input";

	public static final String MODEL = "model";

	public static final String INTERNAL = "internal";

	/** The request is over a limit (prompt tokens, images, memory): refused, nothing was run. */
	public static final String TOO_LARGE = "too-large";

	static WorkerResponse of(long id, InferenceResult result) {
		return new WorkerResponse(id, true, result, null, null, null, null);
	}

	static WorkerResponse of(long id, WorkerStatus status) {
		return new WorkerResponse(id, true, null, status, null, null, null);
	}

	static WorkerResponse failed(long id, String kind, String message) {
		return new WorkerResponse(id, false, null, null, kind, message, null);
	}

	static WorkerResponse tooLarge(long id, String limit, String message) {
		return new WorkerResponse(id, false, null, null, TOO_LARGE, message, limit);
	}

}

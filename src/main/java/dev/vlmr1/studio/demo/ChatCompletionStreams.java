package dev.vlmr1.studio.demo;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.ResponseBodyEmitter;

import dev.vlmr1.studio.catalog.CatalogModel;
import dev.vlmr1.studio.demo.worker.InferenceResult;
import dev.vlmr1.studio.demo.worker.WorkerRequest;
import dev.vlmr1.studio.demo.worker.WorkerResponse;
import dev.vlmr1.studio.web.ApiProblem;
import dev.vlmr1.studio.web.OpenAiErrors;

/**
 * {@code stream: true} for chat completions: OpenAI's {@code chat.completion.chunk} events as Server-Sent Events, a
 * role chunk per choice first, then the text as the worker generates it, a chunk with each choice's
 * {@code finish_reason}, the usage chunk when {@code stream_options.include_usage}, and {@code data: [DONE]}.
 *
 * <p>The request is admitted like any other (the worker's in-flight limit, then its size checks): the response
 * status is only committed once the worker says the request fits, so a refusal is still a plain JSON error with its
 * status. A client that goes away is noticed on the next write (a keep-alive comment goes out every second while
 * nothing else does) and its generation is cancelled in the worker, which stops after the current token.
 */
@Component
class ChatCompletionStreams implements DisposableBean {

	private static final Logger log = LoggerFactory.getLogger(ChatCompletionStreams.class);

	private static final long KEEP_ALIVE_MILLIS = 1000;

	private final InferenceWorkerClient worker;

	private final DemoService demos;

	private final DemoProperties properties;

	private final JsonMapper json;

	private final AtomicInteger threads = new AtomicInteger();

	/** One thread per open stream, which the worker's in-flight limit bounds. */
	private final ExecutorService writers = Executors.newCachedThreadPool((r) -> {
		Thread thread = new Thread(r, "chat-stream-" + threads.incrementAndGet());
		thread.setDaemon(true);
		return thread;
	});

	ChatCompletionStreams(InferenceWorkerClient worker, DemoService demos, DemoProperties properties, JsonMapper json) {
		this.worker = worker;
		this.demos = demos;
		this.properties = properties;
		this.json = json;
	}

	/** What every chunk of one completion shares. */
	record Header(String id, long created, String model, int choices, boolean includeUsage) {
	}

	/**
	 * Starts the request and, once the worker has accepted it, the event stream.
	 * @throws ApiProblem (or the worker client's exceptions) when it is refused before anything was streamed
	 */
	ResponseEntity<ResponseBodyEmitter> open(CatalogModel model, WorkerRequest request, Header header) {
		BlockingQueue<Object> events = new LinkedBlockingQueue<>();
		InferenceWorkerClient.Call call = worker.stream(request, events::add);
		call.answer().whenComplete((response, failure) -> events.add(failure != null ? failure : response));
		long deadline = System.nanoTime() + properties.requestTimeout().toNanos();
		Object first = take(events, deadline);
		if (first == null) {
			call.cancel().run();
			throw new WorkerUnavailableException("The inference worker did not start the request within "
					+ properties.requestTimeout() + "; it was cancelled");
		}
		int promptTokens = started(model, first);
		ResponseBodyEmitter emitter = new ResponseBodyEmitter(properties.requestTimeout().toMillis() + 5_000);
		emitter.onTimeout(call.cancel());
		emitter.onError((ex) -> call.cancel().run());
		writers.execute(() -> write(emitter, events, call, header, promptTokens, deadline));
		return ResponseEntity.ok()
			.contentType(MediaType.TEXT_EVENT_STREAM)
			.header("Cache-Control", "no-cache")
			.header("X-Accel-Buffering", "no")
			.body(emitter);
	}

	/** The prompt's tokens once the worker started; its refusal or failure as the error it is. */
	private int started(CatalogModel model, Object first) {
		if (first instanceof WorkerResponse response && response.progress()) {
			return response.event().promptTokens();
		}
		if (first instanceof WorkerResponse response) {
			demos.result(model, response, "messages");
			throw new WorkerUnavailableException("The inference worker answered a streaming request without"
					+ " streaming it");
		}
		throw failure((Throwable) first);
	}

	private void write(ResponseBodyEmitter emitter, BlockingQueue<Object> events, InferenceWorkerClient.Call call,
			Header header, int promptTokens, long deadline) {
		try {
			for (int i = 0; i < header.choices(); i++) {
				send(emitter, chunk(header, i, Map.of("role", "assistant", "content", ""), null, null));
			}
			while (true) {
				Object event = events.poll(KEEP_ALIVE_MILLIS, TimeUnit.MILLISECONDS);
				if (event == null) {
					if (System.nanoTime() > deadline) {
						call.cancel().run();
						sendError(emitter, "the completion took longer than " + properties.requestTimeout()
								+ " and was stopped", "server_error", "timeout");
						break;
					}
					// a client that went away is only noticed on a write
					emitter.send(": keep-alive\n\n", MediaType.TEXT_PLAIN);
					continue;
				}
				if (event instanceof WorkerResponse response && response.progress()) {
					WorkerResponse.StreamEvent delta = response.event();
					if (WorkerResponse.StreamEvent.DELTA.equals(delta.kind())) {
						send(emitter, chunk(header, delta.index(), Map.of("content", delta.text()),
								delta.logprobs() == null ? null : Map.of("content", delta.logprobs()), null));
					}
					continue;
				}
				finish(emitter, header, event, promptTokens);
				break;
			}
			emitter.complete();
		}
		catch (IOException | IllegalStateException ex) {
			// the client went away (or the emitter timed out): stop generating for nobody
			log.debug("chat stream ended by the client: {}", ex.toString());
			call.cancel().run();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			call.cancel().run();
			emitter.complete();
		}
	}

	/** The last events: each choice's finish reason, the usage, [DONE]; or the error that ended the request. */
	private void finish(ResponseBodyEmitter emitter, Header header, Object event, int promptTokens)
			throws IOException {
		if (!(event instanceof WorkerResponse response) || !response.ok() || response.result() == null) {
			String message = (event instanceof WorkerResponse r) ? String.valueOf(r.error())
					: failure((Throwable) event).getMessage();
			sendError(emitter, message, "server_error", null);
			return;
		}
		InferenceResult result = response.result();
		for (InferenceResult.Choice choice : result.choices()) {
			send(emitter, chunk(header, choice.index(), Map.of(), null, choice.finishReason()));
		}
		if (header.includeUsage()) {
			Map<String, Object> usage = new LinkedHashMap<>(base(header));
			usage.put("choices", List.of());
			usage.put("usage", ChatCompletionsApiController.Usage.of(promptTokens, result.generatedTokens()));
			send(emitter, usage);
		}
		emitter.send("data: [DONE]\n\n", MediaType.TEXT_PLAIN);
	}

	private Map<String, Object> chunk(Header header, int index, Map<String, Object> delta,
			@Nullable Map<String, Object> logprobs, @Nullable String finishReason) {
		Map<String, Object> choice = new LinkedHashMap<>();
		choice.put("index", index);
		choice.put("delta", delta);
		choice.put("logprobs", logprobs);
		choice.put("finish_reason", finishReason);
		Map<String, Object> chunk = new LinkedHashMap<>(base(header));
		chunk.put("choices", List.of(choice));
		if (header.includeUsage()) {
			chunk.put("usage", null);
		}
		return chunk;
	}

	private static Map<String, Object> base(Header header) {
		Map<String, Object> base = new LinkedHashMap<>();
		base.put("id", header.id());
		base.put("object", "chat.completion.chunk");
		base.put("created", header.created());
		base.put("model", header.model());
		return base;
	}

	private void send(ResponseBodyEmitter emitter, Object data) throws IOException {
		emitter.send("data: " + json.writeValueAsString(data) + "\n\n", MediaType.TEXT_PLAIN);
	}

	/** An error after the stream began: OpenAI's SDKs raise an {@code APIError} from an event with an error. */
	private void sendError(ResponseBodyEmitter emitter, String message, String type, @Nullable String code)
			throws IOException {
		send(emitter, new HashMap<>(OpenAiErrors.body(message, type, null, code)));
	}

	private static @Nullable Object take(BlockingQueue<Object> events, long deadline) {
		try {
			return events.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return null;
		}
	}

	private static RuntimeException failure(Throwable failure) {
		Throwable cause = (failure instanceof CompletionException && failure.getCause() != null) ? failure.getCause()
				: failure;
		return (cause instanceof RuntimeException runtime) ? runtime
				: new WorkerUnavailableException("The inference worker failed: " + cause, cause);
	}

	@Override
	public void destroy() {
		writers.shutdownNow();
	}

}

package dev.vlmr1.studio.demo.worker;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

import ai.djl.engine.EngineException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.jspecify.annotations.Nullable;

/**
 * The worker's loop: the calling thread reads request lines and answers {@code status} at once; inference requests
 * go, in arrival order, to one inference thread (libtorch already uses every core for one request, and one at a time
 * keeps memory bounded). Responses are written one whole line at a time; a streaming request's progress lines come
 * before its answer. A {@code cancel} line stops a request: a queued one is not run, a running one stops after its
 * current token and answers {@link WorkerResponse#CANCELLED}. End of input (the web JVM closed the pipe or died)
 * ends the worker: it never outlives its parent.
 */
final class InferenceWorker {

	private final ModelCache cache;

	private final DemoInference inference;

	private final PrintStream out;

	private final ObjectMapper json = new ObjectMapper();

	private final ExecutorService inferenceThread = Executors.newSingleThreadExecutor((r) -> {
		Thread thread = new Thread(r, "inference");
		thread.setDaemon(true);
		return thread;
	});

	private final AtomicLong served = new AtomicLong();

	private final AtomicLong cancelledCount = new AtomicLong();

	/** Ids of requests asked to stop; removed when the request answers. */
	private final Set<Long> cancelled = ConcurrentHashMap.newKeySet();

	InferenceWorker(ModelCache cache, RequestLimits limits, PrintStream out) {
		this.cache = cache;
		this.inference = new DemoInference(cache, limits);
		this.out = out;
	}

	/** Announces readiness (response id 0 with the status), then serves until {@code in} ends. */
	void serve(BufferedReader in) throws IOException {
		write(WorkerResponse.of(0, status()));
		String line;
		while ((line = in.readLine()) != null) {
			if (line.isBlank()) {
				continue;
			}
			WorkerRequest request;
			try {
				request = json.readValue(line, WorkerRequest.class);
			}
			catch (JsonProcessingException ex) {
				System.err.println("unreadable request line: " + ex.getOriginalMessage());
				continue;
			}
			dispatch(request, System.nanoTime());
		}
		// the parent is gone: a generation still running cannot be interrupted, and exiting frees its memory anyway
		inferenceThread.shutdownNow();
	}

	private void dispatch(WorkerRequest request, long receivedNanos) {
		switch (request.op()) {
			case WorkerRequest.STATUS -> write(WorkerResponse.of(request.id(), status()));
			case WorkerRequest.INFER, WorkerRequest.CHAT -> inferenceThread.execute(() -> write(infer(request, receivedNanos)));
			// a cancel for a request that already answered is harmless: the id is never used again
			case WorkerRequest.CANCEL -> cancelled.add(request.cancel());
			default -> write(WorkerResponse.failed(request.id(), WorkerResponse.BAD_INPUT, "unknown op " + request.op()));
		}
	}

	private WorkerResponse infer(WorkerRequest request, long receivedNanos) {
		try {
			return WorkerResponse.of(request.id(), inference.run(request, receivedNanos, progress(request)));
		}
		catch (ChoiceTracker.Cancelled ex) {
			cancelledCount.incrementAndGet();
			return WorkerResponse.failed(request.id(), WorkerResponse.CANCELLED, ex.getMessage());
		}
		catch (DemoInference.BadInput ex) {
			return WorkerResponse.failed(request.id(), WorkerResponse.BAD_INPUT, ex.getMessage());
		}
		catch (RequestTooLarge ex) {
			return WorkerResponse.tooLarge(request.id(), ex.limit(), ex.getMessage());
		}
		catch (DemoInference.UnusableModel ex) {
			ex.printStackTrace();
			return WorkerResponse.failed(request.id(), WorkerResponse.MODEL, ex.getMessage());
		}
		catch (EngineException ex) {
			ex.printStackTrace();
			if (NativeOutOfMemory.is(ex)) {
				// libtorch's allocator refused: the request's tensors are freed with its scope, the worker goes on
				return WorkerResponse.tooLarge(request.id(), "worker-native-memory", "the request needed more memory"
						+ " than the inference worker could allocate; shorten the prompt, send fewer or smaller images,"
						+ " or ask for fewer tokens");
			}
			return WorkerResponse.failed(request.id(), WorkerResponse.INTERNAL, "EngineException: " + ex.getMessage());
		}
		catch (RuntimeException ex) {
			ex.printStackTrace();
			return WorkerResponse.failed(request.id(), WorkerResponse.INTERNAL, ex.getClass().getSimpleName() + ": "
					+ ex.getMessage());
		}
		finally {
			cancelled.remove(request.id());
			served.incrementAndGet();
		}
	}

	/** Writes a streaming request's progress lines; reads the request's cancellation. */
	private DemoInference.Progress progress(WorkerRequest request) {
		return new DemoInference.Progress() {

			@Override
			public void started(int promptTokens) {
				if (request.streaming()) {
					write(WorkerResponse.started(request.id(), promptTokens));
				}
			}

			@Override
			public void delta(int index, String text, @Nullable List<TokenLogprob> logprobs) {
				write(WorkerResponse.delta(request.id(), index, text, logprobs));
			}

			@Override
			public boolean cancelled() {
				return cancelled.contains(request.id());
			}

		};
	}

	private WorkerStatus status() {
		return new WorkerStatus(ProcessHandle.current().pid(), cache.keys(), cache.capacity(), served.get(),
				cancelledCount.get());
	}

	private void write(WorkerResponse response) {
		String line;
		try {
			line = json.writeValueAsString(response);
		}
		catch (JsonProcessingException ex) {
			line = "{\"id\":" + response.id() + ",\"ok\":false,\"errorKind\":\"internal\",\"error\":\"unserialisable response\"}";
		}
		synchronized (out) {
			out.println(line);
			out.flush();
		}
	}

}

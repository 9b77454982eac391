package dev.vlmr1.studio.demo;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

import dev.vlmr1.studio.demo.worker.WorkerRequest;
import dev.vlmr1.studio.demo.worker.WorkerResponse;
import dev.vlmr1.studio.demo.worker.WorkerStatus;

/**
 * The web JVM's handle on the inference worker: starts it on the first request (and again after it died), admits at
 * most {@link DemoProperties#maxPendingRequests()} requests in flight (the rest get 429 with a Retry-After estimated
 * from recent request times), and stops it with the application.
 *
 * <p>A request's slot is released when the worker answers it (or dies), not when its HTTP caller gives up waiting:
 * a timed-out generation still occupies the worker, and the queue limit must count it.
 */
@Component
class InferenceWorkerClient implements DisposableBean {

	private final DemoProperties properties;

	private final List<String> command;

	private final AtomicInteger inFlight = new AtomicInteger();

	/** Exponential moving average of request durations in ms, for Retry-After. */
	private volatile double averageMillis = 2_000;

	private @Nullable WorkerProcess worker;

	private boolean closed;

	InferenceWorkerClient(DemoProperties properties) {
		this.properties = properties;
		this.command = WorkerLaunchCommand.of(properties, System.getProperty("java.class.path", ""));
	}

	/**
	 * Runs an inference request on the worker.
	 * @throws WorkerBusyException when the in-flight limit is reached
	 * @throws WorkerUnavailableException when the worker cannot be started, dies or does not answer in time
	 */
	WorkerResponse infer(WorkerRequest request) {
		return WorkerProcess.await(start(request, null).answer(), properties.requestTimeout());
	}

	/**
	 * A streaming request on its way: its progress goes to the listener given to {@link #stream}, its answer
	 * completes {@code answer}; {@code cancel} asks the worker to stop it (the slot is freed when it answers).
	 */
	record Call(CompletableFuture<WorkerResponse> answer, Runnable cancel) {
	}

	/**
	 * Starts a streaming request: admitted like {@link #infer} (the same in-flight limit), its progress lines go to
	 * {@code progress} on the worker's reader thread, which must not block.
	 * @throws WorkerBusyException when the in-flight limit is reached
	 * @throws WorkerUnavailableException when the worker cannot be started
	 */
	Call stream(WorkerRequest request, Consumer<WorkerResponse> progress) {
		return start(request, progress);
	}

	private Call start(WorkerRequest request, @Nullable Consumer<WorkerResponse> progress) {
		int limit = properties.maxPendingRequests();
		if (inFlight.incrementAndGet() > limit) {
			inFlight.decrementAndGet();
			throw new WorkerBusyException(limit, retryAfterSeconds());
		}
		long start = System.nanoTime();
		WorkerProcess process;
		WorkerProcess.Sent sent;
		try {
			process = running();
			sent = process.send(request, progress);
		}
		catch (RuntimeException ex) {
			inFlight.decrementAndGet();
			throw ex;
		}
		sent.answer().whenComplete((response, failure) -> {
			inFlight.decrementAndGet();
			if (failure == null) {
				averageMillis = 0.7 * averageMillis + 0.3 * (System.nanoTime() - start) / 1e6;
			}
		});
		return new Call(sent.answer(), () -> process.cancel(sent.id()));
	}

	/** The worker's status, starting it if needed. */
	WorkerStatus status() {
		WorkerResponse response = WorkerProcess.await(running().send(WorkerRequest.status()),
				properties.startTimeout());
		if (response.status() == null) {
			throw new WorkerUnavailableException("The inference worker sent no status: " + response.error());
		}
		return response.status();
	}

	/** Requests admitted and not yet answered. */
	int inFlight() {
		return inFlight.get();
	}

	/** The running worker's pid, or null when none runs. */
	synchronized @Nullable Long pid() {
		return (worker != null && worker.alive()) ? worker.pid() : null;
	}

	/** Seconds a refused client should wait: the queue ahead of it at the recent average request time. */
	long retryAfterSeconds() {
		return Math.max(1, (long) Math.ceil(averageMillis * properties.maxPendingRequests() / 1000));
	}

	private synchronized WorkerProcess running() {
		if (closed) {
			throw new WorkerUnavailableException("The application is shutting down");
		}
		if (worker == null || !worker.alive()) {
			if (worker != null) {
				worker.close();
			}
			worker = null;
			worker = WorkerProcess.start(command, properties.startTimeout());
		}
		return worker;
	}

	@Override
	public synchronized void destroy() {
		closed = true;
		if (worker != null) {
			worker.close();
			worker = null;
		}
	}

}

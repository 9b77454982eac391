package dev.vlmr1.studio.demo;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.vlmr1.studio.demo.worker.WorkerRequest;
import dev.vlmr1.studio.demo.worker.WorkerResponse;

/**
 * One running inference worker: writes request lines to its stdin, and a reader thread completes each request's
 * future from the response line with the same id (a streaming request's progress lines go to its listener before
 * that). When the worker's stdout ends (it exited, was killed, or crashed
 * natively) every request still waiting fails with a {@link WorkerUnavailableException} naming the exit code and
 * the last lines the worker wrote to stderr.
 */
final class WorkerProcess implements AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(WorkerProcess.class);

	private static final int STDERR_TAIL = 20;

	private final Process process;

	private final Writer stdin;

	private final ObjectMapper json = new ObjectMapper();

	private final Map<Long, CompletableFuture<WorkerResponse>> waiting = new ConcurrentHashMap<>();

	private final Map<Long, Consumer<WorkerResponse>> listeners = new ConcurrentHashMap<>();

	private final CompletableFuture<WorkerResponse> ready = new CompletableFuture<>();

	private final AtomicLong ids = new AtomicLong(1);

	private final Deque<String> stderrTail = new ArrayDeque<>();

	private volatile boolean dead;

	private WorkerProcess(Process process) {
		this.process = process;
		this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
		daemon("inference-worker-stdout-" + process.pid(), this::readResponses);
		daemon("inference-worker-stderr-" + process.pid(), this::drainStderr);
	}

	/** Starts the worker and waits for its ready line. */
	static WorkerProcess start(List<String> command, Duration timeout) {
		Process process;
		try {
			ProcessBuilder builder = new ProcessBuilder(command);
			builder.environment().put("DJL_OFFLINE", "true");
			builder.environment().put("OPT_OUT_TRACKING", "true");
			// glibc reserves 64 MB of address space per thread arena, up to 8 per core: keep the address-space
			// limit for memory that is used
			builder.environment().put("MALLOC_ARENA_MAX", "2");
			process = builder.start();
		}
		catch (IOException ex) {
			throw new WorkerUnavailableException("The inference worker could not be started: " + ex.getMessage(), ex);
		}
		WorkerProcess worker = new WorkerProcess(process);
		try {
			worker.ready.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
			log.info("Inference worker started, pid {}", process.pid());
			return worker;
		}
		catch (TimeoutException ex) {
			worker.close();
			throw new WorkerUnavailableException("The inference worker did not start within " + timeout, ex);
		}
		catch (ExecutionException ex) {
			worker.close();
			throw unavailable(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			worker.close();
			throw new WorkerUnavailableException("interrupted while starting the inference worker", ex);
		}
	}

	long pid() {
		return process.pid();
	}

	boolean alive() {
		return !dead && process.isAlive();
	}

	/** A request on its way: its id (to cancel it) and its answer. */
	record Sent(long id, CompletableFuture<WorkerResponse> answer) {
	}

	/** Sends a request; the future completes with the worker's response or fails when the worker dies. */
	CompletableFuture<WorkerResponse> send(WorkerRequest request) {
		return send(request, null).answer();
	}

	/**
	 * Sends a request whose progress lines go to {@code progress} (on the reader thread: it must not block) until
	 * its answer completes the future.
	 */
	Sent send(WorkerRequest request, @Nullable Consumer<WorkerResponse> progress) {
		long id = ids.getAndIncrement();
		CompletableFuture<WorkerResponse> future = new CompletableFuture<>();
		waiting.put(id, future);
		if (progress != null) {
			listeners.put(id, progress);
			future.whenComplete((r, ex) -> listeners.remove(id));
		}
		write(request.withId(id), future, id);
		return new Sent(id, future);
	}

	/** Asks the worker to stop request {@code id}; it answers that request with a cancelled failure. */
	void cancel(long id) {
		if (waiting.containsKey(id)) {
			write(WorkerRequest.cancel(id), null, 0);
		}
	}

	private void write(WorkerRequest request, @Nullable CompletableFuture<WorkerResponse> future, long id) {
		String line;
		try {
			line = json.writeValueAsString(request);
		}
		catch (JsonProcessingException ex) {
			if (future != null) {
				waiting.remove(id);
			}
			throw new IllegalStateException("cannot serialise a worker request", ex);
		}
		try {
			synchronized (stdin) {
				stdin.write(line);
				stdin.write('\n');
				stdin.flush();
			}
		}
		catch (IOException ex) {
			// the pipe is closed: the reader thread is about to fail everything, this one included
			failAll();
		}
		if (dead) {
			failAll();
		}
	}

	/** Waits for a response; a worker death or the timeout becomes a {@link WorkerUnavailableException}. */
	static WorkerResponse await(CompletableFuture<WorkerResponse> future, Duration timeout) {
		try {
			return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (TimeoutException ex) {
			throw new WorkerUnavailableException("The inference worker did not answer within " + timeout
					+ " (the request may still be running)", ex);
		}
		catch (ExecutionException ex) {
			throw unavailable(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new WorkerUnavailableException("interrupted while waiting for the inference worker", ex);
		}
	}

	private static WorkerUnavailableException unavailable(ExecutionException ex) {
		return (ex.getCause() instanceof WorkerUnavailableException unavailable) ? unavailable
				: new WorkerUnavailableException("The inference worker failed: " + ex.getCause(), ex);
	}

	private void readResponses() {
		try (BufferedReader out = new BufferedReader(
				new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
			String line;
			while ((line = out.readLine()) != null) {
				accept(line);
			}
		}
		catch (IOException ex) {
			log.debug("inference worker stdout closed", ex);
		}
		dead = true;
		failAll();
	}

	private void accept(String line) {
		WorkerResponse response;
		try {
			response = json.readValue(line, WorkerResponse.class);
		}
		catch (JsonProcessingException ex) {
			// stdout is ours by convention only; a native library might still print there
			log.warn("inference worker wrote a non-protocol line: {}", line.length() > 200 ? line.substring(0, 200) : line);
			return;
		}
		if (response.id() == 0) {
			ready.complete(response);
			return;
		}
		if (response.progress()) {
			Consumer<WorkerResponse> listener = listeners.get(response.id());
			if (listener != null) {
				listener.accept(response);
			}
			return;
		}
		CompletableFuture<WorkerResponse> future = waiting.remove(response.id());
		if (future != null) {
			future.complete(response);
		}
	}

	private void failAll() {
		dead = true;
		WorkerUnavailableException crash = new WorkerUnavailableException(crashMessage());
		ready.completeExceptionally(crash);
		waiting.keySet().forEach((id) -> {
			CompletableFuture<WorkerResponse> future = waiting.remove(id);
			if (future != null) {
				future.completeExceptionally(crash);
			}
		});
	}

	private String crashMessage() {
		String exit;
		try {
			exit = process.waitFor(2, TimeUnit.SECONDS) ? "exit code " + process.exitValue() : "still running";
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			exit = "unknown exit";
		}
		String tail;
		synchronized (stderrTail) {
			tail = String.join("\n", stderrTail);
		}
		return "The inference worker (pid " + process.pid() + ") stopped (" + exit
				+ "); it will be restarted on the next request." + (tail.isEmpty() ? "" : " Its last output: " + tail);
	}

	private void drainStderr() {
		try (BufferedReader err = new BufferedReader(
				new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
			String line;
			while ((line = err.readLine()) != null) {
				log.debug("[inference worker {}] {}", process.pid(), line);
				synchronized (stderrTail) {
					stderrTail.addLast(line.length() > 300 ? line.substring(0, 300) : line);
					while (stderrTail.size() > STDERR_TAIL) {
						stderrTail.removeFirst();
					}
				}
			}
		}
		catch (IOException ex) {
			log.debug("inference worker stderr closed", ex);
		}
	}

	/** Closes stdin (the worker exits on end of input) and kills it if it has not gone within 5 s. */
	@Override
	public void close() {
		try {
			stdin.close();
		}
		catch (IOException ex) {
			// already gone
		}
		try {
			if (!process.waitFor(5, TimeUnit.SECONDS)) {
				process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			process.destroyForcibly();
		}
		dead = true;
		failAll();
	}

	private static void daemon(String name, Runnable body) {
		Thread thread = new Thread(body, name);
		thread.setDaemon(true);
		thread.start();
	}

}

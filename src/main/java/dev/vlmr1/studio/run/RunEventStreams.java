package dev.vlmr1.studio.run;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.SmartLifecycle;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import dev.vlmr1.studio.web.ApiProblem;

/**
 * Serves every run event stream from one bounded scheduler: each open stream polls its run's events after
 * its cursor (workers write from other processes, so there is nothing to listen to in this JVM), sends
 * them with {@code id = seq}, writes a heartbeat comment when idle (a dead client is only noticed on
 * write), lives for a finite time (the browser reconnects with {@code Last-Event-ID}) and closes after the
 * run's terminal state. The terminal event carries a long {@code retry:} hint: an {@code EventSource} reconnects
 * after a closed stream, and the reconnect, answered 204 by the controller, is what stops it; a client that
 * ignores the 204 at least does not come back every 3 s.
 */
@Component
class RunEventStreams implements SmartLifecycle, DisposableBean {

	private static final Logger log = LoggerFactory.getLogger(RunEventStreams.class);

	private static final int BATCH = 500;

	/** The reconnection delay a client is told with a run's terminal event. */
	static final long END_RETRY_MILLIS = 60_000;

	private final RunTelemetryStore telemetry;

	private final RunStore runs;

	private final RunProperties properties;

	private final JsonMapper json;

	private final AtomicInteger threads = new AtomicInteger();

	/** Replaced by {@link #start()} after a {@link #stop()}, which shuts it down. */
	private volatile ScheduledExecutorService scheduler;

	private final AtomicInteger open = new AtomicInteger();

	private volatile boolean running;

	private final Map<Stream, ScheduledFuture<?>> streams = new ConcurrentHashMap<>();

	RunEventStreams(RunTelemetryStore telemetry, RunStore runs, RunProperties properties, JsonMapper json) {
		this.telemetry = telemetry;
		this.runs = runs;
		this.properties = properties;
		this.json = json;
		this.scheduler = newScheduler();
	}

	private ScheduledExecutorService newScheduler() {
		return Executors.newScheduledThreadPool(properties.streamThreads(), r -> {
			Thread t = new Thread(r, "run-events-" + threads.incrementAndGet());
			t.setDaemon(true);
			return t;
		});
	}

	/** Opens a stream of {@code run}'s events after {@code lastSeq} (0 = from the start). */
	SseEmitter open(RunDetails run, long lastSeq) {
		if (open.incrementAndGet() > properties.maxStreams()) {
			open.decrementAndGet();
			throw new ApiProblem(HttpStatus.SERVICE_UNAVAILABLE, "too-many-streams", "Too many streams",
					"the server is serving " + properties.maxStreams() + " event streams; retry later");
		}
		SseEmitter emitter = new SseEmitter(properties.streamTimeout().toMillis());
		Stream stream = new Stream(run.id().value(), emitter, lastSeq);
		emitter.onCompletion(() -> close(stream));
		emitter.onTimeout(() -> close(stream));
		emitter.onError(ex -> close(stream));
		long poll = properties.streamPoll().toMillis();
		streams.put(stream, scheduler.scheduleWithFixedDelay(() -> poll(stream), 0, poll, TimeUnit.MILLISECONDS));
		return emitter;
	}

	/** Whether the run has events after {@code lastSeq}: a reconnecting client has something left to read. */
	boolean hasEventsAfter(RunDetails run, long lastSeq) {
		return !telemetry.eventsAfter(run.id().value(), lastSeq, 1).isEmpty();
	}

	int openStreams() {
		return open.get();
	}

	private void poll(Stream stream) {
		try {
			List<RunEvent> events = telemetry.eventsAfter(stream.runId, stream.cursor, BATCH);
			for (RunEvent event : events) {
				boolean terminal = isTerminal(event);
				SseEmitter.SseEventBuilder sse = SseEmitter.event()
					.id(Long.toString(event.seq()))
					.name(event.type().toLowerCase())
					.data(envelope(event));
				stream.emitter.send(terminal ? sse.reconnectTime(END_RETRY_MILLIS) : sse);
				stream.cursor = event.seq();
				stream.lastWrite = System.nanoTime();
				if (terminal) {
					stream.emitter.complete();
					close(stream);
					return;
				}
			}
			if (events.isEmpty()) {
				// a client reconnecting after the end gets nothing more: close instead of idling to the timeout
				// (checked once; later the terminal STATE event itself closes the stream)
				if (!stream.checkedEnd) {
					stream.checkedEnd = true;
					if (runs.find(stream.runId).map(r -> r.state().isTerminal()).orElse(true)) {
						stream.emitter.complete();
						close(stream);
						return;
					}
				}
				if (System.nanoTime() - stream.lastWrite >= properties.streamHeartbeat().toNanos()) {
					stream.emitter.send(SseEmitter.event().comment("heartbeat"));
					stream.lastWrite = System.nanoTime();
				}
			}
		}
		catch (IOException | IllegalStateException ex) {
			// the client went away; the container completes the emitter, we only stop polling
			close(stream);
		}
		catch (RuntimeException ex) {
			log.warn("event stream of run {} failed", stream.runId, ex);
			stream.emitter.complete();
			close(stream);
		}
	}

	private boolean isTerminal(RunEvent event) {
		if (!"STATE".equals(event.type())) {
			return false;
		}
		JsonNode to = json.readTree(event.payload()).get("to");
		return to != null && RunState.valueOf(to.asString()).isTerminal();
	}

	/** {@code {"seq", "type", "attempt", "createdAt", "payload"}}, the payload inlined as stored. */
	private static String envelope(RunEvent event) {
		return "{\"seq\":" + event.seq() + ",\"type\":\"" + event.type() + "\",\"attempt\":" + event.attempt()
				+ ",\"createdAt\":\"" + event.createdAt() + "\",\"payload\":" + event.payload() + "}";
	}

	private void close(Stream stream) {
		ScheduledFuture<?> task = streams.remove(stream);
		if (task != null) {
			task.cancel(false);
			open.decrementAndGet();
		}
	}

	/**
	 * Ends every stream before the web server's graceful shutdown starts waiting for open requests (a
	 * higher phase stops first); browsers reconnect to another instance with {@code Last-Event-ID}.
	 */
	@Override
	public void stop() {
		running = false;
		streams.keySet().forEach(s -> {
			s.emitter.complete();
			close(s);
		});
	}

	/**
	 * The scheduler lives as long as the bean, not the lifecycle: a stopped context may be started again (the
	 * test framework pauses cached contexts that way).
	 */
	@Override
	public void destroy() {
		scheduler.shutdownNow();
	}

	/** Also after a {@link #stop()}: a stopped context may be started again (Spring's test context pausing, CRaC). */
	@Override
	public void start() {
		if (scheduler.isShutdown()) {
			scheduler = newScheduler();
		}
		running = true;
	}

	@Override
	public boolean isRunning() {
		return running;
	}

	/** One open connection; its fields are touched only by the one scheduled task that polls it. */
	private static final class Stream {

		final long runId;

		final SseEmitter emitter;

		volatile long cursor;

		volatile long lastWrite = System.nanoTime();

		volatile boolean checkedEnd;

		Stream(long runId, SseEmitter emitter, long cursor) {
			this.runId = runId;
			this.emitter = emitter;
			this.cursor = cursor;
		}

	}

	static @Nullable Long parseLastEventId(@Nullable String header, @Nullable String param) {
		String value = header != null ? header : param;
		if (value == null || value.isBlank()) {
			return null;
		}
		String digits = value.strip();
		try {
			// ASCII digits only: Long.parseLong would also read other scripts' digits ("١٢" is 12)
			if (digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
				return Long.parseLong(digits);
			}
		}
		catch (NumberFormatException ex) {
			// reported below
		}
		throw ApiProblem.badRequest("last-event-id-invalid", "Last-Event-ID must be an event seq (an integer ≥ 0)");
	}

}

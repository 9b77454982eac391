package dev.vlmr1.studio.executor;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Worker loops on test threads: each polls the queue like {@code worker --max-runs 0} until told to stop,
 * collecting attempt results and unexpected exceptions (deadlocks, serialization failures) for assertions.
 */
final class InProcessWorkers implements AutoCloseable {

	private final ExecutorService threads = Executors.newCachedThreadPool();

	final List<AttemptResult> results = new CopyOnWriteArrayList<>();

	final List<Throwable> errors = new CopyOnWriteArrayList<>();

	private volatile boolean stopped;

	/** Serves the queue with {@code worker} until {@link #close()} or {@code done} is true. */
	void serve(Worker worker, Duration idlePoll, BooleanSupplier done) {
		threads.submit(() -> {
			while (!stopped && !done.getAsBoolean()) {
				try {
					worker.runOnce().ifPresentOrElse(results::add, () -> LockSupport.parkNanos(idlePoll.toNanos()));
				}
				catch (Throwable ex) {
					errors.add(ex);
				}
			}
		});
	}

	@Override
	public void close() throws InterruptedException {
		stopped = true;
		threads.shutdownNow();
		threads.awaitTermination(30, TimeUnit.SECONDS);
	}

}

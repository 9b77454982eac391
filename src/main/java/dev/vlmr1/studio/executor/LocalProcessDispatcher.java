package dev.vlmr1.studio.executor;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;

/**
 * Starts worker processes on this machine: while runs are claimable and fewer than {@code maxWorkers}
 * children live, it starts {@code worker --max-runs 1 --exit-when-idle} (same Java, same classpath, bounded
 * heap); the child claims a run itself. It keeps each child's output tail, and when a child exits without
 * recording its attempt's end (killed, out of memory, crashed) it ends the attempt with the classified
 * exit code and the tail. A child whose run is being cancelled and that has not stopped by itself within
 * one heartbeat is killed with its whole process tree.
 *
 * <p>With GPUs configured each child gets one of them as {@code CUDA_VISIBLE_DEVICES} (so its run sees one GPU,
 * device 0) and no more children live than there are GPUs; a child's GPU is free again once the child is reaped,
 * however it ended, or could not start.
 */
class LocalProcessDispatcher implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(LocalProcessDispatcher.class);

	private final AttemptLedger ledger;

	private final WorkerLaunch launch;

	private final FailureClassifier classifier;

	private final int maxWorkers;

	private final Duration heartbeat;

	private final Duration tick;

	private final Duration preemptGrace;

	private final Map<String, Child> children = new ConcurrentHashMap<>();

	/** GPUs not held by a live child, in configured order; null when the dispatcher hands out none. */
	private final @Nullable Deque<String> freeGpus;

	private volatile @Nullable ScheduledExecutorService scheduler;

	LocalProcessDispatcher(AttemptLedger ledger, WorkerLaunch launch, FailureClassifier classifier, int maxWorkers,
			Duration heartbeat, Duration pollInterval, Duration preemptGrace) {
		this(ledger, launch, classifier, maxWorkers, heartbeat, pollInterval, preemptGrace, List.of());
	}

	/** @param gpus the GPUs to hand out one per child ({@code CUDA_VISIBLE_DEVICES} names); empty: none */
	LocalProcessDispatcher(AttemptLedger ledger, WorkerLaunch launch, FailureClassifier classifier, int maxWorkers,
			Duration heartbeat, Duration pollInterval, Duration preemptGrace, List<String> gpus) {
		this.freeGpus = gpus.isEmpty() ? null : new ArrayDeque<>(gpus);
		if (!gpus.isEmpty() && maxWorkers < gpus.size()) {
			log.warn("{} GPUs configured but at most {} worker(s): raise studio.executor.local.max-workers to use them all",
					gpus.size(), maxWorkers);
		}
		this.preemptGrace = preemptGrace;
		this.ledger = ledger;
		this.launch = launch;
		this.classifier = classifier;
		this.maxWorkers = maxWorkers;
		this.heartbeat = heartbeat;
		Duration half = heartbeat.dividedBy(2);
		this.tick = pollInterval.compareTo(half) < 0 ? pollInterval : half;
	}

	/** One pass: reap exited children, kill cancelled ones that did not stop, start new ones. */
	synchronized void tick() {
		for (Child child : List.copyOf(children.values())) {
			if (!child.process.isAlive()) {
				children.remove(child.workerId);
				release(child);
				onExit(child);
			}
		}
		killCancelled();
		long waiting = children.values().stream().filter(c -> !c.claimed()).count();
		long claimable = claimableRuns();
		while (children.size() < maxWorkers && claimable > waiting && (freeGpus == null || !freeGpus.isEmpty())) {
			startWorker();
			waiting++;
		}
	}

	int liveWorkers() {
		return children.size();
	}

	/** Process ids of the live children, for tests and diagnostics. */
	List<Long> workerPids() {
		return children.values().stream().map(c -> c.process.pid()).toList();
	}

	private long claimableRuns() {
		return ledger.jdbc()
			.sql("SELECT count(*) FROM runs WHERE state = 'QUEUED' AND (retry_at IS NULL OR retry_at <= now())")
			.query(Long.class)
			.single();
	}

	/** GPUs held by live children, by worker id: for tests and diagnostics. */
	Map<String, String> gpusInUse() {
		Map<String, String> inUse = new java.util.TreeMap<>();
		children.values().forEach((c) -> {
			if (c.gpu != null) {
				inUse.put(c.workerId, c.gpu);
			}
		});
		return inUse;
	}

	/** GPUs no live child holds, for tests and diagnostics; empty when the dispatcher hands out none. */
	synchronized List<String> freeGpus() {
		return freeGpus == null ? List.of() : List.copyOf(freeGpus);
	}

	private void startWorker() {
		String workerId = "local-" + ProcessHandle.current().pid() + "-" + UUID.randomUUID().toString().substring(0, 8);
		ProcessBuilder builder = new ProcessBuilder(
				launch.commandWith(List.of("--worker-id", workerId, "--max-runs", "1", "--exit-when-idle")))
			.redirectErrorStream(true);
		builder.environment().putAll(launch.environment());
		String gpu = freeGpus == null ? null : freeGpus.poll();
		if (gpu != null) {
			builder.environment().put("CUDA_VISIBLE_DEVICES", gpu);
		}
		try {
			Process process = builder.start();
			Child child = new Child(workerId, process, new LogTail(LogTail.DEFAULT_LINES), gpu);
			children.put(workerId, child);
			Thread reader = new Thread(() -> pump(child), "worker-output-" + process.pid());
			reader.setDaemon(true);
			reader.start();
			log.info("started worker process {} ({}){}", process.pid(), workerId, gpu == null ? "" : " on GPU " + gpu);
		}
		catch (IOException ex) {
			if (gpu != null) {
				freeGpus.addFirst(gpu);
			}
			log.error("cannot start a worker process: {}", ex.toString());
		}
	}

	/** The child's GPU goes back to the pool. */
	private synchronized void release(Child child) {
		if (child.gpu != null && freeGpus != null) {
			freeGpus.addFirst(child.gpu);
		}
	}

	private void pump(Child child) {
		try (BufferedReader in = new BufferedReader(
				new InputStreamReader(child.process.getInputStream(), StandardCharsets.UTF_8))) {
			for (String line; (line = in.readLine()) != null;) {
				child.tail.add(line);
				log.debug("[{}] {}", child.workerId, line);
			}
		}
		catch (IOException ex) {
			// the stream closes when the process dies
		}
	}

	private void onExit(Child child) {
		int code = child.process.exitValue();
		var attempt = ledger.attemptOf(child.workerId);
		if (attempt.isEmpty()) {
			return; // found nothing to claim
		}
		long runId = attempt.get()[0];
		int attemptNo = (int) attempt.get()[1];
		String tail = child.tail.text();
		if (code != 0 && code != WorkerMain.EXIT_LEASE_LOST) {
			FailureKind kind = child.killedForCancel ? FailureKind.ERROR : classifier.classifyExit(code, tail);
			String reason = child.killedForCancel ? "killed after cancel" : "worker exited with code " + code;
			if (ledger.failAttempt(runId, attemptNo, kind, reason, code, tail)) {
				log.warn("run {} attempt {}: {} ({})", runId, attemptNo, reason, kind);
			}
		}
		ledger.recordExit(runId, attemptNo, code, tail);
	}

	private void killCancelled() {
		if (children.isEmpty()) {
			return;
		}
		List<String> cancelling = ledger.jdbc().sql("""
				SELECT a.worker_id FROM run_attempts a JOIN runs r ON r.id = a.run_id AND r.attempt = a.attempt
				WHERE a.ended_at IS NULL AND r.state = 'CANCELLING' AND a.worker_id IN (:workers)""")
			.param("workers", List.copyOf(children.keySet()))
			.query(String.class)
			.list();
		long now = System.nanoTime();
		for (String workerId : cancelling) {
			Child child = children.get(workerId);
			if (child == null) {
				continue;
			}
			if (child.cancelSeenAt == 0) {
				child.cancelSeenAt = now;
			}
			else if (now - child.cancelSeenAt >= heartbeat.toNanos() && !child.killedForCancel) {
				// it had a heartbeat to stop by itself; a hung trainer does not, so the tree goes
				log.warn("worker {} did not stop after cancel: killing process {} and its children", workerId,
						child.process.pid());
				child.killedForCancel = true;
				killTree(child.process);
			}
		}
	}

	static void killTree(Process process) {
		process.descendants().forEach(ProcessHandle::destroyForcibly);
		process.destroyForcibly();
	}

	@Override
	public void start() {
		ScheduledExecutorService s = Executors.newSingleThreadScheduledExecutor(r -> {
			Thread t = new Thread(r, "local-dispatcher");
			t.setDaemon(true);
			return t;
		});
		s.scheduleWithFixedDelay(this::tickLogged, 0, tick.toMillis(), TimeUnit.MILLISECONDS);
		scheduler = s;
	}

	/** A pass now rather than at the next tick: a run was queued, or asked to stop. */
	void nudge() {
		ScheduledExecutorService s = scheduler;
		if (s != null) {
			try {
				s.execute(this::tickLogged);
			}
			catch (RejectedExecutionException ex) {
				// stopping: the shutdown hands every run back anyway
			}
		}
	}

	private void tickLogged() {
		try {
			tick();
		}
		catch (RuntimeException ex) {
			log.warn("local dispatcher tick failed: {}", ex.toString());
		}
	}

	@Override
	public void stop() {
		ScheduledExecutorService s = scheduler;
		if (s != null) {
			s.shutdownNow();
			try {
				s.awaitTermination(5, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			scheduler = null;
		}
		// SIGTERM: each worker checkpoints its step and hands its run back (PREEMPTED); one that has not ended by the
		// grace period is killed, its lease lapses and the sweeper (here or elsewhere) re-queues its run
		children.values().forEach(c -> c.process.destroy());
		long deadline = System.nanoTime() + preemptGrace.toNanos();
		for (Child child : children.values()) {
			try {
				child.process.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			killTree(child.process);
			try {
				// its GPU is free only once the process is gone
				child.process.waitFor(5, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			release(child);
		}
		children.clear();
	}

	@Override
	public boolean isRunning() {
		return scheduler != null;
	}

	/** A worker process and what the dispatcher knows about it. */
	private final class Child {

		final String workerId;

		final Process process;

		final LogTail tail;

		final @Nullable String gpu;

		volatile long cancelSeenAt;

		volatile boolean killedForCancel;

		private volatile boolean claimed;

		Child(String workerId, Process process, LogTail tail, @Nullable String gpu) {
			this.workerId = workerId;
			this.process = process;
			this.tail = tail;
			this.gpu = gpu;
		}

		boolean claimed() {
			if (!claimed) {
				claimed = ledger.attemptOf(workerId).isPresent();
			}
			return claimed;
		}

	}

}

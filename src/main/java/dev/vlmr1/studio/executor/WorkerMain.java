package dev.vlmr1.studio.executor;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.springframework.context.ConfigurableApplicationContext;

import dev.vlmr1.studio.web.StudioProperties;

/**
 * {@code java -jar app.jar worker [--worker-id ID] [--max-runs N] [--exit-when-idle]}: a worker process.
 * It claims queued runs from the database given by {@code SPRING_DATASOURCE_URL} (+ {@code _USERNAME},
 * {@code _PASSWORD}) and executes them one at a time, then exits after {@code --max-runs} runs (default 1:
 * one run = one process, because libtorch state is process-wide; run it under a restart policy to serve a
 * queue). With {@code --exit-when-idle} it exits when nothing is claimable (the local dispatcher's mode).
 *
 * <p>Exit codes: 0 the attempt ended and was recorded (whatever its outcome) or there was nothing to do,
 * 2 bad arguments, {@value #EXIT_LEASE_LOST} the lease was lost (the attempt became a zombie and stopped).
 */
public final class WorkerMain {

	/** EX_TEMPFAIL: the run belongs to another attempt now; nothing of ours is wrong with it. */
	public static final int EXIT_LEASE_LOST = 75;

	private WorkerMain() {
	}

	/** Runs the {@code worker} command with the arguments after it; returns the exit code. */
	public static int run(String[] args) {
		Options options;
		try {
			options = Options.parse(args);
		}
		catch (IllegalArgumentException ex) {
			System.err.println("worker: " + ex.getMessage());
			System.err.println("usage: worker [--worker-id ID] [--max-runs N (0 = no limit)] [--exit-when-idle]");
			return 2;
		}
		try (ConfigurableApplicationContext context = WorkerContext.open(Map.of())) {
			ExecutorProperties properties = context.getBean(ExecutorProperties.class);
			Worker worker = new Worker(context.getBean(AttemptLedger.class), TrainingJobs.from(properties, new TrainingInputs(context.getBean(org.springframework.jdbc.core.simple.JdbcClient.class),
					context.getBean(StudioProperties.class).artifactsDir())),
					context.getBean(StudioProperties.class).artifactsDir(), properties.heartbeat(),
					new FailureClassifier(properties.fatalExitCodes()), WorkerMain::haltOnLeaseLost, options.workerId());
			Runtime.getRuntime().addShutdownHook(new Thread(() -> preempt(worker, properties.preemptGrace()), "preemption"));
			// what the dispatcher handed us: one GPU, which the run sees as CUDA device 0
			System.out.println("worker " + worker.workerId() + " started (CUDA_VISIBLE_DEVICES="
					+ dev.vlmr1.studio.model.RunDevice.visibleDevices() + ", studio.executor.device=" + properties.device() + ")");
			int done = 0;
			boolean databaseDown = false;
			while ((options.maxRuns() == 0 || done < options.maxRuns()) && !worker.stopping()) {
				Optional<AttemptResult> result;
				try {
					result = worker.runOnce();
					databaseDown = false;
				}
				catch (org.springframework.dao.DataAccessException
						| org.springframework.transaction.TransactionException ex) {
					if (options.exitWhenIdle()) {
						System.err.println("worker: database unavailable: " + ex.getMostSpecificCause().getMessage());
						return 1;
					}
					// a remote worker outlives a database restart; one line per outage keeps the log small
					if (!databaseDown) {
						System.err.println("worker: database unavailable, retrying: " + ex.getMostSpecificCause().getMessage());
					}
					databaseDown = true;
					Thread.sleep(properties.pollInterval().toMillis());
					continue;
				}
				if (result.isPresent()) {
					done++;
					System.out.println("worker " + worker.workerId() + ": attempt ended " + result.get());
				}
				else if (options.exitWhenIdle()) {
					break;
				}
				else {
					Thread.sleep(properties.pollInterval().toMillis());
				}
			}
			return 0;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return 0;
		}
		catch (org.springframework.beans.BeansException ex) {
			Throwable root = ex.getMostSpecificCause();
			System.err.println("worker: cannot start: " + root.getMessage());
			return 2;
		}
	}

	/**
	 * SIGTERM (Slurm preemption or time limit, the local dispatcher's shutdown): the running attempt checkpoints its
	 * current step and hands the run back to the queue within {@code grace}; the process then exits with 0, the
	 * attempt recorded. Past the grace period the JVM goes on shutting down and the lease lapses as for a crash.
	 */
	private static void preempt(Worker worker, java.time.Duration grace) {
		if (!worker.preempt()) {
			return;
		}
		System.out.println("worker " + worker.workerId() + ": SIGTERM, handing the run back within " + grace.toSeconds() + " s");
		try {
			if (worker.awaitIdle(grace)) {
				System.out.println("worker " + worker.workerId() + ": run handed back, exiting");
				System.out.flush();
				Runtime.getRuntime().halt(0);
			}
			System.err.println("worker " + worker.workerId() + ": the attempt did not end within " + grace.toSeconds() + " s");
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/** A zombie stops at once: its trainer may be stuck where no interrupt reaches. */
	private static void haltOnLeaseLost() {
		System.out.println("worker: lease lost, exiting with " + EXIT_LEASE_LOST);
		System.out.flush();
		System.err.flush();
		Runtime.getRuntime().halt(EXIT_LEASE_LOST);
	}

	record Options(String workerId, int maxRuns, boolean exitWhenIdle) {

		static Options parse(String[] args) {
			String workerId = null;
			int maxRuns = 1;
			boolean exitWhenIdle = false;
			for (int i = 0; i < args.length; i++) {
				switch (args[i]) {
					case "--worker-id" -> workerId = value(args, ++i, "--worker-id");
					case "--max-runs" -> {
						String v = value(args, ++i, "--max-runs");
						try {
							maxRuns = Integer.parseInt(v);
						}
						catch (NumberFormatException ex) {
							throw new IllegalArgumentException("--max-runs needs a number, got '" + v + "'");
						}
						if (maxRuns < 0) {
							throw new IllegalArgumentException("--max-runs must be >= 0, got " + maxRuns);
						}
					}
					case "--exit-when-idle" -> exitWhenIdle = true;
					default -> throw new IllegalArgumentException("unknown argument '" + args[i] + "'");
				}
			}
			return new Options(workerId == null ? defaultWorkerId() : workerId, maxRuns, exitWhenIdle);
		}

		private static String value(String[] args, int i, String flag) {
			if (i >= args.length || args[i].isBlank()) {
				throw new IllegalArgumentException(flag + " needs a value");
			}
			return args[i];
		}

		private static String defaultWorkerId() {
			String host;
			try {
				host = InetAddress.getLocalHost().getHostName();
			}
			catch (java.io.IOException ex) {
				host = "unknown-host";
			}
			return host + "-" + ManagementFactory.getRuntimeMXBean().getPid() + "-" + UUID.randomUUID().toString().substring(0, 8);
		}

	}

}

package dev.vlmr1.studio.executor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

import dev.vlmr1.studio.run.RunId;
import dev.vlmr1.studio.run.RunManagement;
import dev.vlmr1.studio.run.RunState;

/**
 * Executor tests on a real PostgreSQL without the web application: one embedded server per test JVM,
 * migrated once into a template database; every test gets a fresh copy of it and a worker context
 * (the same {@link WorkerContext} a worker process uses) with the RELIABILITY.md test timings:
 * heartbeat 1 s, lease 5 s, reaper every 1 s.
 */
abstract class ExecutorTestSupport {

	private static final AtomicInteger DATABASES = new AtomicInteger();

	private static EmbeddedPostgres postgres;

	protected AnnotationConfigApplicationContext context;

	protected JdbcClient jdbc;

	protected RunManagement runs;

	protected AttemptLedger ledger;

	protected LeaseSweeper sweeper;

	protected Path dataDir;

	protected String jdbcUrl;

	private final List<Process> processes = new ArrayList<>();

	/** Settings of this test class over the defaults (e.g. a short progress timeout). */
	protected Map<String, Object> settings() {
		return Map.of();
	}

	@BeforeEach
	void openContext() throws IOException {
		jdbcUrl = freshDatabase();
		dataDir = Files.createTempDirectory("executor-test");
		Map<String, Object> props = new HashMap<>();
		props.put("spring.datasource.url", jdbcUrl);
		props.put("spring.datasource.username", "postgres");
		props.put("studio.data-dir", dataDir.toString());
		props.put("studio.runs.lease", "PT5S");
		props.put("studio.executor.heartbeat", "PT1S");
		props.put("studio.executor.sweep-interval", "PT1S");
		props.put("studio.executor.retry-base", "PT1S");
		props.put("studio.executor.poll-interval", "PT0.1S");
		props.put("studio.executor.worker-pool-size", "4");
		props.putAll(settings());
		context = WorkerContext.open(props);
		jdbc = context.getBean(JdbcClient.class);
		runs = context.getBean(RunManagement.class);
		ledger = context.getBean(AttemptLedger.class);
		sweeper = context.getBean(LeaseSweeper.class);
	}

	@AfterEach
	void closeContext() {
		processes.forEach(LocalProcessDispatcher::killTree);
		if (sweeper != null) {
			sweeper.stop();
		}
		context.close();
	}

	protected ExecutorProperties properties() {
		return context.getBean(ExecutorProperties.class);
	}

	/** A QUEUED run whose fake trainer does {@code fakeSpec}. */
	protected RunId queueRun(String fakeSpec, int maxAttempts) {
		return new RunId(jdbc.sql("""
				INSERT INTO runs (owner_id, type, state, model_id, hyperparameters, max_attempts)
				VALUES (1, 'SFT', 'QUEUED', 1, jsonb_build_object('fake_trainer', ?::text), ?) RETURNING id""")
			.params(fakeSpec, maxAttempts)
			.query(Long.class)
			.single());
	}

	protected RunState state(RunId id) {
		return runs.find(id).orElseThrow().state();
	}

	/** An in-process worker; a lost lease only interrupts its thread (a process would halt). */
	protected Worker worker(String workerId) {
		ExecutorProperties p = properties();
		return new Worker(ledger, TrainingJobs.from(p, new TrainingInputs(jdbc, dataDir.resolve("artifacts"))), dataDir.resolve("artifacts"), p.heartbeat(),
				new FailureClassifier(p.fatalExitCodes()), () -> {
				}, workerId);
	}

	/** Starts a real worker process ({@code worker --max-runs 1}) on this test's database. */
	protected Process startWorkerProcess(String workerId, String... extraArgs) {
		WorkerLaunch launch = workerLaunch();
		List<String> args = new ArrayList<>(List.of("--worker-id", workerId));
		args.addAll(List.of(extraArgs));
		Path logFile = dataDir.resolve(workerId + ".log");
		ProcessBuilder builder = new ProcessBuilder(launch.commandWith(args)).redirectErrorStream(true)
			.redirectOutput(logFile.toFile());
		builder.environment().putAll(launch.environment());
		try {
			Process process = builder.start();
			processes.add(process);
			return process;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** How this test's worker processes start: small heap, one processor, the test timings. */
	protected WorkerLaunch workerLaunch() {
		Map<String, String> childSettings = new HashMap<>();
		childSettings.put("studio.data-dir", dataDir.toString());
		childSettings.put("studio.runs.lease", "PT5S");
		childSettings.put("studio.executor.heartbeat", "PT1S");
		childSettings.put("studio.executor.poll-interval", "PT0.1S");
		childSettings.put("studio.executor.fatal-exit-codes", "42");
		childSettings.put("studio.executor.preempt-grace", "PT15S");
		// real trainers in worker processes run under the device check too
		childSettings.put(dev.vlmr1.studio.model.DeviceCheck.PROPERTY, String.valueOf(dev.vlmr1.studio.model.DeviceCheck.enabled()));
		return WorkerLaunch.forCurrentJvm(new ExecutorProperties.Local(true, 1, "128m", 1, "-Xss512k", "", "", ""), childSettings,
				WorkerLaunch.databaseEnvironment(jdbcUrl, "postgres", ""));
	}

	protected String processLog(String workerId) {
		try {
			return Files.readString(dataDir.resolve(workerId + ".log"));
		}
		catch (IOException ex) {
			return "(no log: " + ex + ")";
		}
	}

	/** Sends a signal ({@code STOP}, {@code CONT}) with the system's kill command. */
	protected static void signal(Process process, String signal) {
		try {
			int code = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start().waitFor();
			if (code != 0) {
				throw new IllegalStateException("kill -" + signal + " failed with " + code);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	protected static Duration seconds(double s) {
		return Duration.ofMillis((long) (s * 1000));
	}

	private static synchronized String freshDatabase() {
		try {
			if (postgres == null) {
				postgres = EmbeddedPostgres.builder().start();
				Runtime.getRuntime().addShutdownHook(new Thread(() -> {
					try {
						postgres.close();
					}
					catch (IOException ex) {
						// the JVM is going away anyway
					}
				}));
				try (Connection c = postgres.getPostgresDatabase().getConnection()) {
					c.createStatement().execute("CREATE DATABASE executor_template");
				}
				var template = postgres.getDatabase("postgres", "executor_template");
				Flyway.configure().dataSource(template).locations("classpath:db/migration").load().migrate();
				try (Connection c = template.getConnection()) {
					c.createStatement().execute("""
							INSERT INTO users (id, username, password_hash, role) VALUES (1, 'executor-test', 'x', 'USER')""");
				}
			}
			String name = "executor_" + DATABASES.incrementAndGet();
			try (Connection c = postgres.getPostgresDatabase().getConnection()) {
				c.createStatement().execute("CREATE DATABASE " + name + " TEMPLATE executor_template");
			}
			return postgres.getJdbcUrl("postgres", name);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

}

package dev.vlmr1.studio.executor;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.context.annotation.AnnotationConfigApplicationContext;

import dev.vlmr1.studio.Slow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * T1.1 claim exclusivity under contention, scaled to this 2-core machine: 3 claimers, each its own worker
 * context with its own connection pool (as separate worker processes would have), 4 threads each, and
 * 2,000 no-op runs (the spec: 3 × 8 threads × 10,000). Every run completes once: the execution log
 * ({@code run_attempts}, PRIMARY KEY (run_id, attempt)) holds exactly one attempt per run, no database error
 * reaches a worker, and the sweeper (running throughout) reaps nothing.
 */
@Slow
class ClaimExclusivityTests extends ExecutorTestSupport {

	private static final int RUNS = 2000;

	private static final int CLAIMERS = 3;

	private static final int THREADS = 4;

	@Test
	void everyRunIsExecutedExactlyOnceByOneOfManyConcurrentClaimers() throws Exception {
		jdbc.sql("""
				INSERT INTO runs (owner_id, type, state, model_id, hyperparameters, max_attempts)
				SELECT 1, 'SFT', 'QUEUED', 1, '{"fake_trainer": "steps=0,stepMillis=0"}', 3 FROM generate_series(1, ?)""")
			.param(RUNS)
			.update();
		sweeper.start();
		List<AnnotationConfigApplicationContext> claimers = new ArrayList<>();
		long started = System.nanoTime();
		try (InProcessWorkers workers = new InProcessWorkers()) {
			for (int c = 0; c < CLAIMERS; c++) {
				Map<String, Object> props = new HashMap<>();
				props.put("spring.datasource.url", jdbcUrl);
				props.put("studio.data-dir", dataDir.toString());
				props.put("studio.runs.lease", "PT5S");
				props.put("studio.executor.worker-pool-size", THREADS + 1);
				AnnotationConfigApplicationContext claimer = WorkerContext.open(props);
				claimers.add(claimer);
				AttemptLedger claimerLedger = claimer.getBean(AttemptLedger.class);
				for (int t = 0; t < THREADS; t++) {
					Worker worker = new Worker(claimerLedger, TrainingJobs.from(properties(), new TrainingInputs(claimer.getBean(org.springframework.jdbc.core.simple.JdbcClient.class), dataDir.resolve("artifacts"))), dataDir.resolve("artifacts"),
							Duration.ofSeconds(1), new FailureClassifier(java.util.Set.of()), () -> {
							}, "claimer-" + c + "-thread-" + t);
					workers.serve(worker, Duration.ofMillis(20), () -> succeeded() == RUNS);
				}
			}
			await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).until(() -> succeeded() == RUNS);
			double seconds = (System.nanoTime() - started) / 1e9;
			System.out.printf("T1.1: %d runs by %d claimers x %d threads in %.1f s (%.0f runs/s)%n", RUNS, CLAIMERS, THREADS,
					seconds, RUNS / seconds);
			assertThat(workers.errors).as("deadlocks, serialization failures or other errors").isEmpty();
			assertThat(workers.results).hasSize(RUNS).containsOnly(AttemptResult.SUCCEEDED);
		}
		finally {
			claimers.forEach(AnnotationConfigApplicationContext::close);
		}
		Map<String, Object> log = jdbc.sql("""
				SELECT count(*) AS executions, count(DISTINCT run_id) AS runs, max(attempt) AS max_attempt,
				  count(*) FILTER (WHERE outcome IS DISTINCT FROM 'SUCCEEDED') AS not_succeeded,
				  count(DISTINCT worker_id) AS workers FROM run_attempts""")
			.query()
			.singleRow();
		assertThat(log).containsEntry("executions", (long) RUNS)
			.containsEntry("runs", (long) RUNS)
			.containsEntry("max_attempt", 1)
			.containsEntry("not_succeeded", 0L);
		assertThat((Long) log.get("workers")).as("the work was spread over the claimers").isGreaterThan(CLAIMERS);
		assertThat(jdbc.sql("SELECT count(*) FROM runs WHERE attempt <> 1").query(Long.class).single()).isZero();
	}

	private long succeeded() {
		return jdbc.sql("SELECT count(*) FROM runs WHERE state = 'SUCCEEDED'").query(Long.class).single();
	}

}

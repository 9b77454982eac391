package dev.vlmr1.studio.executor;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MvcResult;

import dev.vlmr1.studio.run.RunTestSupport;
import dev.vlmr1.studio.web.CurrentUser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

/**
 * T1.7 transactional enqueue, through the real {@code POST /api/runs}: a failure injected after
 * {@code INSERT INTO runs} but before the commit (a deferred constraint trigger, which fires at COMMIT)
 * answers 5xx and leaves nothing behind: no run, no dataset link, no event, no used Idempotency-Key, and
 * no worker ever claims anything (observed over 3 polling intervals).
 */
class TransactionalEnqueueTests extends RunTestSupport {

	private static final int POISON_SEED = 424242;

	@Autowired
	private AttemptLedger ledger;

	@BeforeEach
	void installFailureBeforeCommit() {
		jdbc.sql("""
				CREATE OR REPLACE FUNCTION t17_fail_at_commit() RETURNS trigger AS $$
				BEGIN
				  IF (NEW.hyperparameters->>'seed')::int = %d THEN
				    RAISE EXCEPTION 'T1.7 injected failure after INSERT runs, before COMMIT';
				  END IF;
				  RETURN NEW;
				END $$ LANGUAGE plpgsql""".formatted(POISON_SEED)).update();
		jdbc.sql("""
				CREATE CONSTRAINT TRIGGER t17_fail_at_commit AFTER INSERT ON runs DEFERRABLE INITIALLY DEFERRED
				FOR EACH ROW EXECUTE FUNCTION t17_fail_at_commit()""").update();
	}

	@AfterEach
	void removeTrigger() {
		jdbc.sql("DROP TRIGGER IF EXISTS t17_fail_at_commit ON runs").update();
		jdbc.sql("DROP FUNCTION IF EXISTS t17_fail_at_commit()").update();
	}

	@Test
	void aFailureBeforeCommitAnswers5xxAndQueuesNothing() throws Exception {
		CurrentUser alice = newUser(false);
		long dataset = newDataset(alice);
		drainQueue();
		List<Long> before = counts();
		String body = """
				{"type": "sft", "modelId": %d, "datasetIds": [%d], "hyperparameters": {"seed": %d}}""".formatted(newModel(alice),
				dataset, POISON_SEED);
		MvcResult result = mvc.perform(post("/api/runs").with(as(alice))
			.header("Idempotency-Key", "t17-" + System.nanoTime())
			.contentType(MediaType.APPLICATION_JSON)
			.content(body)).andReturn();
		assertThat(result.getResponse().getStatus()).isBetween(500, 599);
		assertThat(counts()).as("runs, run_datasets, run_events, idempotency_keys").isEqualTo(before);

		// a worker polling the queue for 3 intervals finds nothing to claim
		List<Optional<Assignment>> claims = new ArrayList<>();
		await().pollInterval(Duration.ofMillis(200)).atMost(Duration.ofSeconds(5)).until(() -> {
			claims.add(ledger.claim("t17-worker"));
			return claims.size() >= 3;
		});
		assertThat(claims).allMatch(Optional::isEmpty);
		assertThat(jdbc.sql("SELECT count(*) FROM run_attempts WHERE worker_id = 't17-worker'").query(Long.class).single()).isZero();

		// the same request without the injected failure is accepted: the failure, not the request, was the cause
		String healthy = body.replace(Integer.toString(POISON_SEED), "7");
		MvcResult ok = mvc.perform(post("/api/runs").with(as(alice)).contentType(MediaType.APPLICATION_JSON).content(healthy))
			.andReturn();
		assertThat(ok.getResponse().getStatus()).isEqualTo(201);
	}

	private List<Long> counts() {
		return List.of(count("runs"), count("run_datasets"), count("run_events"), count("idempotency_keys"));
	}

	private long count(String table) {
		return jdbc.sql("SELECT count(*) FROM " + table).query(Long.class).single();
	}

}

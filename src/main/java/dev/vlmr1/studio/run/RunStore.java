package dev.vlmr1.studio.run;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The {@code runs} table and its state transitions, in plain SQL because every transition is a
 * compare-and-set on {@code version} and the queue needs {@code FOR UPDATE SKIP LOCKED}. Callers hold the
 * transaction.
 */
@Repository
class RunStore {

	private static final String SELECT = """
			SELECT r.*,
			  ARRAY(SELECT d.dataset_id FROM run_datasets d WHERE d.run_id = r.id AND d.role = 'TRAIN'
			        ORDER BY d.position) AS train_ids
			FROM runs r
			""";

	private final JdbcClient jdbc;

	private final JsonMapper json;

	RunStore(JdbcClient jdbc, JsonMapper json) {
		this.jdbc = jdbc;
		this.json = json;
	}

	/** Inserts a QUEUED run and its first event (seq 1); returns its id. */
	long insert(NewRun run) {
		long id = jdbc.sql("""
				INSERT INTO runs (owner_id, type, state, model_id, eval_dataset_id, reward_config_id, reward_terms,
				                  hyperparameters, max_attempts, event_seq)
				VALUES (?, ?, 'QUEUED', ?, ?, ?, CAST(? AS jsonb), CAST(? AS jsonb), ?, 1) RETURNING id""")
			.params(run.ownerId(), run.type().name(), run.modelId(), run.evalDatasetId(), run.rewardConfigId(),
					run.rewardTerms() == null ? null : json.writeValueAsString(run.rewardTerms()),
					json.writeValueAsString(run.hyperparameters()), run.maxAttempts())
			.query(Long.class)
			.single();
		for (int i = 0; i < run.datasetIds().size(); i++) {
			jdbc.sql("INSERT INTO run_datasets (run_id, dataset_id, role, position) VALUES (?, ?, 'TRAIN', ?)")
				.params(id, run.datasetIds().get(i), i)
				.update();
		}
		if (run.evalDatasetId() != null) {
			jdbc.sql("INSERT INTO run_datasets (run_id, dataset_id, role, position) VALUES (?, ?, 'EVAL', 0)")
				.params(id, run.evalDatasetId())
				.update();
		}
		Map<String, Object> payload = new LinkedHashMap<>();
		payload.put("from", null);
		payload.put("to", RunState.QUEUED.name());
		jdbc.sql("INSERT INTO run_events (run_id, seq, type, attempt, payload) VALUES (?, 1, 'STATE', 0, CAST(? AS jsonb))")
			.params(id, json.writeValueAsString(payload))
			.update();
		return id;
	}

	Optional<RunDetails> find(long id) {
		return jdbc.sql(SELECT + " WHERE r.id = ?").param(id).query(this::map).optional();
	}

	/** A page of runs, newest first; {@code ownerId} null lists everyone's (admins). */
	List<RunDetails> list(@Nullable Long ownerId, long offset, int limit) {
		return jdbc.sql(SELECT + " WHERE (CAST(? AS bigint) IS NULL OR r.owner_id = ?) ORDER BY r.id DESC OFFSET ? LIMIT ?")
			.params(ownerId, ownerId, offset, limit)
			.query(this::map)
			.list();
	}

	long count(@Nullable Long ownerId) {
		return jdbc.sql("SELECT count(*) FROM runs WHERE (CAST(? AS bigint) IS NULL OR owner_id = ?)")
			.params(ownerId, ownerId)
			.query(Long.class)
			.single();
	}

	/**
	 * Moves a run from {@code from} to {@code to} if nobody changed it since {@code version} was read, and
	 * writes the STATE event in the same statement. Leaving a leased state drops the lease.
	 * @return whether this caller won the compare-and-set
	 */
	boolean transition(long id, long version, RunState from, RunState to, @Nullable String reason) {
		return transition(id, version, from, to, reason, null);
	}

	/**
	 * As {@link #transition(long, long, RunState, RunState, String)}; leaving a leased state also closes the
	 * open attempt with {@code attemptOutcome} (default: the target state, REQUEUED for QUEUED).
	 */
	boolean transition(long id, long version, RunState from, RunState to, @Nullable String reason,
			@Nullable String attemptOutcome) {
		boolean moved = compareAndSet(id, version, from, to, reason);
		if (moved && from.isLeased() && !to.isLeased()) {
			endAttempt(id, attemptOutcome != null ? attemptOutcome : to == RunState.QUEUED ? "REQUEUED" : to.name(), reason);
		}
		return moved;
	}

	private boolean compareAndSet(long id, long version, RunState from, RunState to, @Nullable String reason) {
		if (!from.canMoveTo(to)) {
			throw new IllegalStateException("illegal transition " + from + " -> " + to);
		}
		Map<String, Object> payload = new LinkedHashMap<>();
		payload.put("from", from.name());
		payload.put("to", to.name());
		payload.put("reason", reason);
		return jdbc.sql("""
				WITH moved AS (
				  UPDATE runs SET state = :to, version = version + 1, event_seq = event_seq + 1,
				    state_reason = :reason, updated_at = now(),
				    finished_at = CASE WHEN :terminal THEN now() ELSE finished_at END,
				    lease_token = CASE WHEN :leased THEN lease_token END,
				    lease_expires_at = CASE WHEN :leased THEN lease_expires_at END
				  WHERE id = :id AND version = :version AND state = :from
				  RETURNING id, event_seq, attempt)
				INSERT INTO run_events (run_id, seq, type, attempt, payload)
				SELECT id, event_seq, 'STATE', attempt, CAST(:payload AS jsonb) FROM moved""")
			.param("to", to.name())
			.param("reason", reason)
			.param("terminal", to.isTerminal())
			.param("leased", to.isLeased())
			.param("id", id)
			.param("version", version)
			.param("from", from.name())
			.param("payload", json.writeValueAsString(payload))
			.update() == 1;
	}

	/**
	 * Hands the oldest QUEUED run to the caller: rows locked by a concurrent claimer (or a concurrent
	 * cancel) are skipped, so each run goes to exactly one worker. A re-queued run waits for its retry
	 * back-off ({@code retry_at}, set by the executor, migration V7).
	 */
	Optional<Long> claimNext(String workerId, Duration lease, UUID token) {
		String payload = json.writeValueAsString(Map.of("from", "QUEUED", "to", "RUNNING", "worker", workerId));
		return jdbc.sql("""
				WITH next AS (
				  SELECT id FROM runs WHERE state = 'QUEUED' AND (retry_at IS NULL OR retry_at <= now())
				  ORDER BY created_at, id LIMIT 1 FOR UPDATE SKIP LOCKED),
				claimed AS (
				  UPDATE runs r SET state = 'RUNNING', version = version + 1, event_seq = event_seq + 1,
				    attempt = attempt + 1, lease_token = :token, worker_id = :worker, state_reason = NULL,
				    lease_expires_at = now() + make_interval(secs => :lease), heartbeat_at = now(),
				    started_at = coalesce(started_at, now()), updated_at = now()
				  FROM next WHERE r.id = next.id
				  RETURNING r.id, r.event_seq, r.attempt)
				, attempt_row AS (
				  INSERT INTO run_attempts (run_id, attempt, worker_id, lease_token)
				  SELECT id, attempt, :worker, :token FROM claimed)
				INSERT INTO run_events (run_id, seq, type, attempt, payload)
				SELECT id, event_seq, 'STATE', attempt, CAST(:payload AS jsonb) FROM claimed RETURNING run_id""")
			.param("token", token)
			.param("worker", workerId)
			.param("lease", lease.toMillis() / 1000.0)
			.param("payload", payload)
			.query(Long.class)
			.optional();
	}

	/** Extends the lease of the attempt holding {@code token}; empty when that lease is lost. */
	Optional<RunState> heartbeat(long id, UUID token, Duration lease) {
		return jdbc.sql("""
				UPDATE runs SET lease_expires_at = now() + make_interval(secs => ?), heartbeat_at = now()
				WHERE id = ? AND lease_token = ? AND state IN ('RUNNING', 'CANCELLING') RETURNING state""")
			.params(lease.toMillis() / 1000.0, id, token)
			.query((rs, n) -> RunState.valueOf(rs.getString(1)))
			.optional();
	}

	/** Closes the open attempt of a run that left RUNNING/CANCELLING. */
	void endAttempt(long runId, String outcome, @Nullable String reason) {
		jdbc.sql("UPDATE run_attempts SET ended_at = now(), outcome = ?, reason = ? WHERE run_id = ? AND ended_at IS NULL")
			.params(outcome, reason, runId)
			.update();
	}

	List<RunAttempt> attempts(long runId) {
		return jdbc.sql("""
				SELECT attempt, worker_id, started_at, ended_at, outcome, reason FROM run_attempts
				WHERE run_id = ? ORDER BY attempt""")
			.param(runId)
			.query((rs, n) -> new RunAttempt(rs.getInt(1), rs.getString(2), rs.getTimestamp(3).toInstant(),
					toInstant(rs.getTimestamp(4)), rs.getString(5), rs.getString(6)))
			.list();
	}

	Optional<Instant> leaseExpiry(long id) {
		return jdbc.sql("SELECT lease_expires_at FROM runs WHERE id = ?")
			.param(id)
			.query((rs, n) -> toInstant(rs.getTimestamp(1)))
			.optional();
	}

	/** Leased runs whose lease has lapsed (database time), locked for the caller. */
	List<RunDetails> expiredLeases(int limit) {
		return jdbc.sql(SELECT + """
				 WHERE r.state IN ('RUNNING', 'CANCELLING') AND r.lease_expires_at < now()
				ORDER BY r.lease_expires_at LIMIT ? FOR UPDATE OF r SKIP LOCKED""")
			.param(limit)
			.query(this::map)
			.list();
	}

	/** Counts one more attempt that ended PREEMPTED, so it does not use up the run's attempt budget. */
	void countPreemption(long id) {
		jdbc.sql("UPDATE runs SET preemptions = preemptions + 1 WHERE id = ?").param(id).update();
	}

	/** Advances the step (never backwards) and sets the total when given; returns the total now stored. */
	@Nullable Integer setProgress(long id, int currentStep, @Nullable Integer totalSteps) {
		return jdbc.sql("""
				UPDATE runs SET current_step = greatest(current_step, ?), total_steps = coalesce(?, total_steps)
				WHERE id = ? RETURNING total_steps""")
			.params(currentStep, totalSteps, id)
			.query((rs, n) -> {
				int total = rs.getInt(1);
				return rs.wasNull() ? null : total;
			})
			.optional()
			.orElse(null);
	}

	private RunDetails map(ResultSet rs, int row) throws SQLException {
		String terms = rs.getString("reward_terms");
		long evalId = rs.getLong("eval_dataset_id");
		Long evalDatasetId = rs.wasNull() ? null : evalId;
		long configId = rs.getLong("reward_config_id");
		Long rewardConfigId = rs.wasNull() ? null : configId;
		int total = rs.getInt("total_steps");
		Integer totalSteps = rs.wasNull() ? null : total;
		Array ids = rs.getArray("train_ids");
		List<Long> datasetIds = Arrays.stream((Long[]) ids.getArray()).toList();
		return new RunDetails(new RunId(rs.getLong("id")), rs.getLong("owner_id"), RunType.valueOf(rs.getString("type")),
				RunState.valueOf(rs.getString("state")), rs.getLong("version"), rs.getLong("model_id"), datasetIds,
				evalDatasetId, rewardConfigId,
				terms == null ? null : json.readValue(terms, new TypeReference<List<Map<String, Object>>>() {
				}), json.readValue(rs.getString("hyperparameters"), new TypeReference<Map<String, Object>>() {
				}), rs.getString("state_reason"), rs.getInt("attempt"), rs.getInt("max_attempts"),
				rs.getInt("current_step"), totalSteps, toInstant(rs.getTimestamp("created_at")),
				toInstant(rs.getTimestamp("started_at")), toInstant(rs.getTimestamp("finished_at")), rs.getInt("preemptions"));
	}

	private static @Nullable Instant toInstant(@Nullable Timestamp ts) {
		return ts == null ? null : ts.toInstant();
	}

	/** What {@link #insert} needs. */
	record NewRun(long ownerId, RunType type, long modelId, List<Long> datasetIds, @Nullable Long evalDatasetId,
			@Nullable Long rewardConfigId, @Nullable List<Map<String, Object>> rewardTerms,
			Map<String, Object> hyperparameters, int maxAttempts) {
	}

}

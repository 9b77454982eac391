package dev.vlmr1.studio.run;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * What runs produce: events, metrics and checkpoints. Writes from a worker are fenced by its lease token:
 * {@link #lockForAttempt} both checks the lease and takes the run's row lock, which serialises event
 * numbering with state transitions.
 */
@Repository
class RunTelemetryStore {

	private final JdbcClient jdbc;

	private final JsonMapper json;

	RunTelemetryStore(JdbcClient jdbc, JsonMapper json) {
		this.jdbc = jdbc;
		this.json = json;
	}

	/**
	 * Reserves the next event seq for the attempt holding {@code token}.
	 * @return {@code [seq, attempt]}, or empty when the lease is lost
	 */
	Optional<long[]> lockForAttempt(long runId, UUID token) {
		return jdbc.sql("""
				UPDATE runs SET event_seq = event_seq + 1
				WHERE id = ? AND lease_token = ? AND state IN ('RUNNING', 'CANCELLING') RETURNING event_seq, attempt""")
			.params(runId, token)
			.query((rs, n) -> new long[] { rs.getLong(1), rs.getLong(2) })
			.optional();
	}

	void insertEvent(long runId, long seq, String type, int attempt, Object payload) {
		jdbc.sql("INSERT INTO run_events (run_id, seq, type, attempt, payload) VALUES (?, ?, ?, ?, CAST(? AS jsonb))")
			.params(runId, seq, type, attempt, json.writeValueAsString(payload))
			.update();
	}

	List<RunEvent> eventsAfter(long runId, long afterSeq, int limit) {
		return jdbc.sql("""
				SELECT seq, type, attempt, payload::text, created_at FROM run_events
				WHERE run_id = ? AND seq > ? ORDER BY seq LIMIT ?""")
			.params(runId, afterSeq, limit)
			.query((rs, n) -> new RunEvent(rs.getLong(1), rs.getString(2), rs.getInt(3), rs.getString(4),
					rs.getTimestamp(5).toInstant()))
			.list();
	}

	/**
	 * Writes one live value per (run, step, name): a repeated write (a worker retrying a batch) replaces
	 * the value instead of adding a second row, so nothing is ever counted twice.
	 */
	void upsertMetrics(long runId, int attempt, int step, Map<String, Double> values) {
		for (var entry : values.entrySet()) {
			jdbc.sql("""
					INSERT INTO run_metrics (run_id, attempt, step, name, value) VALUES (?, ?, ?, ?, ?)
					ON CONFLICT (run_id, step, name) WHERE NOT archived
					DO UPDATE SET value = EXCLUDED.value, attempt = EXCLUDED.attempt, recorded_at = now()""")
				.params(runId, attempt, step, entry.getKey(), entry.getValue())
				.update();
		}
	}

	/** Archives live metric rows after {@code step}: a resumed attempt rewrites them from its checkpoint. */
	int archiveMetricsAfter(long runId, int step) {
		return StepRows.archiveAfter(jdbc, "run_metrics", runId, step);
	}

	List<MetricPoint> metric(long runId, String name) {
		return jdbc.sql("SELECT step, value FROM run_metrics WHERE run_id = ? AND name = ? AND NOT archived ORDER BY step")
			.params(runId, name)
			.query((rs, n) -> new MetricPoint(rs.getInt(1), rs.getDouble(2)))
			.list();
	}

	/** Every live metric of a run, by name, each sorted by step. */
	Map<String, List<MetricPoint>> allMetrics(long runId) {
		Map<String, List<MetricPoint>> byName = new LinkedHashMap<>();
		jdbc.sql("SELECT name, step, value FROM run_metrics WHERE run_id = ? AND NOT archived ORDER BY name, step")
			.param(runId)
			.query((java.sql.ResultSet rs) -> {
				byName.computeIfAbsent(rs.getString(1), k -> new java.util.ArrayList<>())
					.add(new MetricPoint(rs.getInt(2), rs.getDouble(3)));
			});
		return byName;
	}

	List<String> metricNames(long runId) {
		return jdbc.sql("SELECT DISTINCT name FROM run_metrics WHERE run_id = ? AND NOT archived ORDER BY name")
			.param(runId)
			.query(String.class)
			.list();
	}

	void insertCheckpoint(long runId, int step, int attempt, String path, @Nullable Long modelId) {
		jdbc.sql("""
				INSERT INTO checkpoints (run_id, step, attempt, path, model_id) VALUES (?, ?, ?, ?, ?)
				ON CONFLICT (run_id, step) DO UPDATE SET path = EXCLUDED.path, attempt = EXCLUDED.attempt,
				  model_id = EXCLUDED.model_id, created_at = now()""")
			.params(runId, step, attempt, path, modelId)
			.update();
	}

	/** The catalog model already registered for this step's checkpoint at this same path (a repeated report). */
	Optional<Long> checkpointModel(long runId, int step, String path) {
		return jdbc.sql("SELECT model_id FROM checkpoints WHERE run_id = ? AND step = ? AND path = ? AND model_id IS NOT NULL")
			.params(runId, step, path)
			.query(Long.class)
			.optional();
	}

	int lastCheckpointStep(long runId) {
		return jdbc.sql("SELECT coalesce(max(step), -1) FROM checkpoints WHERE run_id = ?")
			.param(runId)
			.query(Integer.class)
			.single();
	}

	List<Map<String, Object>> checkpoints(long runId) {
		return jdbc.sql("SELECT step, attempt, path, created_at, model_id FROM checkpoints WHERE run_id = ? ORDER BY step")
			.param(runId)
			.query((rs, n) -> {
				Map<String, Object> row = new LinkedHashMap<>();
				row.put("step", rs.getInt(1));
				row.put("attempt", rs.getInt(2));
				row.put("path", rs.getString(3));
				row.put("createdAt", rs.getTimestamp(4).toInstant());
				long modelId = rs.getLong(5);
				// the catalog model it was registered as (open it in a demo), null when it was not
				row.put("modelId", rs.wasNull() ? null : modelId);
				return row;
			})
			.list();
	}

}

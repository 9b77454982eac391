package dev.vlmr1.studio.compare;

import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import dev.vlmr1.studio.run.MetricPoint;

/**
 * Read-only queries over the run module's tables that its public API does not offer: the runs a user can pick
 * from, and the live metric rows of several runs at once (one query instead of one per run and metric).
 * Nothing here writes; the run module stays the only owner of these tables.
 */
@Repository
class RunMetricQueries {

	private final JdbcClient jdbc;

	RunMetricQueries(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/** A run as the picker lists it. */
	record PickableRun(long id, String type, String state, long modelId, int currentStep, Instant createdAt) {
	}

	/** The newest {@code limit} runs of {@code ownerId} (everyone's when null: admins), newest first. */
	List<PickableRun> pickable(@Nullable Long ownerId, int limit) {
		return jdbc.sql("""
				SELECT id, type, state, model_id, current_step, created_at FROM runs
				WHERE (CAST(? AS bigint) IS NULL OR owner_id = ?) ORDER BY id DESC LIMIT ?""")
			.params(ownerId, ownerId, limit)
			.query((rs, n) -> new PickableRun(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getLong(4),
					rs.getInt(5), rs.getTimestamp(6).toInstant()))
			.list();
	}

	/**
	 * The live (not archived) metric rows of the given runs: run id → metric name → points sorted by step.
	 * @param names only these metrics, or every metric when null
	 */
	Map<Long, Map<String, List<MetricPoint>>> liveMetrics(Collection<Long> runIds, @Nullable Collection<String> names) {
		Map<Long, Map<String, List<MetricPoint>>> byRun = new LinkedHashMap<>();
		jdbc.sql("""
				SELECT run_id, name, step, value FROM run_metrics
				WHERE run_id = ANY(?) AND NOT archived AND (CAST(? AS text[]) IS NULL OR name = ANY(?))
				ORDER BY run_id, name, step""")
			.params(runIds.toArray(Long[]::new), names == null ? null : names.toArray(String[]::new),
					names == null ? null : names.toArray(String[]::new))
			.query((java.sql.ResultSet rs) -> {
				byRun.computeIfAbsent(rs.getLong(1), k -> new LinkedHashMap<>())
					.computeIfAbsent(rs.getString(2), k -> new java.util.ArrayList<>())
					.add(new MetricPoint(rs.getInt(3), rs.getDouble(4)));
			});
		return byRun;
	}

}

package dev.vlmr1.studio.run;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The {@code run_eval_results} table: per-sample results of each evaluation of a run, by step. Only live rows are
 * read; callers hold the transaction and the lease check.
 */
@Repository
class RunEvalResultStore {

	private static final TypeReference<List<RolloutBox>> BOXES = new TypeReference<>() {
	};

	private final JdbcClient jdbc;

	private final JsonMapper json;

	RunEvalResultStore(JdbcClient jdbc, JsonMapper json) {
		this.jdbc = jdbc;
		this.json = json;
	}

	/** Replaces the step's live results: the same attempt's earlier rows go, an earlier attempt's are archived. */
	void replaceStep(long runId, int attempt, int step, List<EvalResultRecord> results) {
		StepRows.supersede(jdbc, "run_eval_results", runId, attempt, step);
		for (int i = 0; i < results.size(); i++) {
			EvalResultRecord r = results.get(i);
			jdbc.sql("""
					INSERT INTO run_eval_results (run_id, attempt, step, idx, sample_id, task_type, prediction, image,
					  predicted_boxes, truth_boxes, iou, correct)
					VALUES (?, ?, ?, ?, ?, ?, ?, ?, CAST(? AS jsonb), CAST(? AS jsonb), ?, ?)""")
				.params(runId, attempt, step, i, r.sampleId(), r.taskType(), r.prediction().replace("\u0000", ""), r.image(),
						json.writeValueAsString(r.predictedBoxes()), json.writeValueAsString(r.truthBoxes()), r.iou(),
						r.correct())
				.update();
		}
	}

	int archiveAfter(long runId, int step) {
		return StepRows.archiveAfter(jdbc, "run_eval_results", runId, step);
	}

	/** The steps that have live results, ascending. */
	List<Integer> steps(long runId) {
		return jdbc.sql("SELECT DISTINCT step FROM run_eval_results WHERE run_id = ? AND NOT archived ORDER BY step")
			.param(runId)
			.query(Integer.class)
			.list();
	}

	/** One page of a step's results by index, optionally only the correct (or wrong) ones. */
	List<EvalResult> page(long runId, int step, @Nullable Boolean correct, long offset, int limit) {
		return jdbc.sql("""
				SELECT * FROM run_eval_results WHERE run_id = ? AND step = ? AND NOT archived
				  AND (CAST(? AS boolean) IS NULL OR correct = CAST(? AS boolean))
				ORDER BY idx OFFSET ? LIMIT ?""")
			.params(runId, step, correct, correct, offset, limit)
			.query(this::map)
			.list();
	}

	java.util.Optional<EvalResult> find(long runId, int step, int idx) {
		return jdbc.sql("SELECT * FROM run_eval_results WHERE run_id = ? AND step = ? AND idx = ? AND NOT archived")
			.params(runId, step, idx)
			.query(this::map)
			.optional();
	}

	int count(long runId, int step, @Nullable Boolean correct) {
		return jdbc.sql("""
				SELECT count(*) FROM run_eval_results WHERE run_id = ? AND step = ? AND NOT archived
				  AND (CAST(? AS boolean) IS NULL OR correct = CAST(? AS boolean))""")
			.params(runId, step, correct, correct)
			.query(Integer.class)
			.single();
	}

	private EvalResult map(ResultSet rs, int row) throws SQLException {
		double iou = rs.getDouble("iou");
		Double nullableIou = rs.wasNull() ? null : iou;
		return new EvalResult(rs.getInt("step"), rs.getInt("idx"), rs.getInt("attempt"), rs.getString("sample_id"),
				rs.getString("task_type"), rs.getString("prediction"), rs.getString("image"), json.readValue(rs.getString("predicted_boxes"), BOXES),
				json.readValue(rs.getString("truth_boxes"), BOXES), nullableIou, rs.getBoolean("correct"));
	}

}

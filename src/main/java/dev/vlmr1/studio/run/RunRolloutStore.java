package dev.vlmr1.studio.run;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;

import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The {@code run_rollouts} table: each step's gallery sample. Like metrics, only live rows are read; rows a lost
 * attempt wrote after its resume checkpoint are archived. Callers hold the transaction and the lease check.
 */
@Repository
class RunRolloutStore {

	private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {
	};

	private static final TypeReference<LinkedHashMap<String, Double>> SCORES = new TypeReference<>() {
	};

	private static final TypeReference<List<RolloutBox>> BOXES = new TypeReference<>() {
	};

	private final JdbcClient jdbc;

	private final JsonMapper json;

	RunRolloutStore(JdbcClient jdbc, JsonMapper json) {
		this.jdbc = jdbc;
		this.json = json;
	}

	/**
	 * Replaces the step's live sample: rows the same attempt wrote before (a retried report) are deleted, rows
	 * of an earlier attempt are archived, so each (run, step, idx) has one live row.
	 */
	void replaceStep(long runId, int attempt, int step, List<RolloutSampleRecord> samples) {
		StepRows.supersede(jdbc, "run_rollouts", runId, attempt, step);
		for (int i = 0; i < samples.size(); i++) {
			RolloutSampleRecord s = samples.get(i);
			jdbc.sql("""
					INSERT INTO run_rollouts (run_id, step, attempt, idx, prompt, images, completion, rewards, reward,
					  advantage, predicted_boxes, truth_boxes)
					VALUES (?, ?, ?, ?, ?, CAST(? AS jsonb), ?, CAST(? AS jsonb), ?, ?, CAST(? AS jsonb), CAST(? AS jsonb))""")
				.params(runId, step, attempt, i, s.prompt(), json.writeValueAsString(s.images()), s.completion(),
						json.writeValueAsString(s.rewards()), s.reward(), s.advantage(),
						json.writeValueAsString(s.predictedBoxes()), json.writeValueAsString(s.truthBoxes()))
				.update();
		}
	}

	/** Archives live rows after {@code step}: a resumed attempt records them again from its checkpoint. */
	int archiveAfter(long runId, int step) {
		return StepRows.archiveAfter(jdbc, "run_rollouts", runId, step);
	}

	/** The steps that have a live sample, ascending. */
	List<Integer> steps(long runId) {
		return jdbc.sql("SELECT DISTINCT step FROM run_rollouts WHERE run_id = ? AND NOT archived ORDER BY step")
			.param(runId)
			.query(Integer.class)
			.list();
	}

	/** The live sample of one step, by index. */
	List<RolloutSample> samples(long runId, int step) {
		return jdbc.sql("SELECT * FROM run_rollouts WHERE run_id = ? AND step = ? AND NOT archived ORDER BY idx")
			.params(runId, step)
			.query(this::map)
			.list();
	}

	Optional<RolloutSample> sample(long runId, int step, int idx) {
		return jdbc.sql("SELECT * FROM run_rollouts WHERE run_id = ? AND step = ? AND idx = ? AND NOT archived")
			.params(runId, step, idx)
			.query(this::map)
			.optional();
	}

	private RolloutSample map(ResultSet rs, int row) throws SQLException {
		return new RolloutSample(rs.getInt("step"), rs.getInt("idx"), rs.getInt("attempt"), rs.getString("prompt"),
				json.readValue(rs.getString("images"), STRINGS), rs.getString("completion"),
				json.readValue(rs.getString("rewards"), SCORES), rs.getDouble("reward"), rs.getDouble("advantage"),
				json.readValue(rs.getString("predicted_boxes"), BOXES), json.readValue(rs.getString("truth_boxes"), BOXES),
				rs.getTimestamp("recorded_at").toInstant());
	}

}

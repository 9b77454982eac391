package dev.vlmr1.studio.demoproject;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import dev.vlmr1.studio.web.ApiProblem;
import dev.vlmr1.studio.web.CurrentUser;

/**
 * The {@code experiments} table: a row per launched experiment, filled in as its objects are created. Reads are
 * scoped to the caller: someone else's experiment is "not found" exactly like a missing one (administrators see
 * everyone's).
 */
@Component
class ExperimentStore {

	/** A stored experiment; ids are null until the object exists. */
	record Experiment(long id, long ownerId, Instant createdAt, String state, @Nullable String message,
			Map<String, Object> plan, @Nullable Long pretrainDatasetId, @Nullable Long trainDatasetId,
			@Nullable Long testDatasetId, @Nullable Long modelId, @Nullable Long rewardConfigId, @Nullable Long baseRunId,
			@Nullable Long sftFollowUpId, @Nullable Long grpoFollowUpId) {
	}

	private static final String COLUMNS = """
			id, owner_id, created_at, state, message, plan::text, pretrain_dataset_id, train_dataset_id, test_dataset_id,
			model_id, reward_config_id, base_run_id, sft_followup_id, grpo_followup_id""";

	private final JdbcClient jdbc;

	private final JsonMapper json = JsonMapper.builder().build();

	ExperimentStore(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	long insert(CurrentUser owner, Map<String, Object> plan) {
		return jdbc.sql("INSERT INTO experiments (owner_id, plan) VALUES (?, ?::jsonb) RETURNING id")
			.params(owner.id(), json.writeValueAsString(plan))
			.query(Long.class)
			.single();
	}

	void datasets(long id, long pretrain, long train, long test) {
		jdbc.sql("UPDATE experiments SET pretrain_dataset_id = ?, train_dataset_id = ?, test_dataset_id = ? WHERE id = ?")
			.params(pretrain, train, test, id)
			.update();
	}

	void model(long id, long model, long rewardConfig) {
		jdbc.sql("UPDATE experiments SET model_id = ?, reward_config_id = ? WHERE id = ?")
			.params(model, rewardConfig, id)
			.update();
	}

	void launched(long id, long baseRun, long sftFollowUp, long grpoFollowUp) {
		jdbc.sql("""
				UPDATE experiments SET base_run_id = ?, sft_followup_id = ?, grpo_followup_id = ?, state = 'LAUNCHED'
				WHERE id = ?""")
			.params(baseRun, sftFollowUp, grpoFollowUp, id)
			.update();
	}

	void failed(long id, String message) {
		jdbc.sql("UPDATE experiments SET state = 'FAILED', message = ? WHERE id = ?").params(message, id).update();
	}

	/** Experiments whose preparation a stopped application left half done; returns how many. */
	int abandonPreparing() {
		return jdbc.sql("UPDATE experiments SET state = 'FAILED', message = ? WHERE state = 'PREPARING'")
			.param("the application stopped while the experiment was being prepared; start it again")
			.update();
	}

	/** The caller's experiment {@code id}, or a 404 problem when it is missing or someone else's. */
	Experiment find(CurrentUser user, long id) {
		return jdbc.sql("SELECT " + COLUMNS + " FROM experiments WHERE id = ? AND (owner_id = ? OR ?)")
			.params(id, user.id(), user.admin())
			.query(this::experiment)
			.optional()
			.orElseThrow(() -> ApiProblem.notFound("experiment " + id));
	}

	/** The caller's experiments (an administrator's: everyone's), newest first. */
	List<Experiment> list(CurrentUser user) {
		return jdbc.sql("SELECT " + COLUMNS + " FROM experiments WHERE owner_id = ? OR ? ORDER BY id DESC")
			.params(user.id(), user.admin())
			.query(this::experiment)
			.list();
	}

	@SuppressWarnings("unchecked")
	private Experiment experiment(ResultSet rs, int row) throws SQLException {
		return new Experiment(rs.getLong(1), rs.getLong(2), rs.getTimestamp(3).toInstant(), rs.getString(4),
				rs.getString(5), json.readValue(rs.getString(6), Map.class), id(rs, 7), id(rs, 8), id(rs, 9), id(rs, 10),
				id(rs, 11), id(rs, 12), id(rs, 13), id(rs, 14));
	}

	private static @Nullable Long id(ResultSet rs, int column) throws SQLException {
		long value = rs.getLong(column);
		return rs.wasNull() ? null : value;
	}

}

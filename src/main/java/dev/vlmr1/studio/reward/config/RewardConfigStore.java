package dev.vlmr1.studio.reward.config;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The {@code reward_configs} table. */
@Repository
class RewardConfigStore {

	private static final TypeReference<List<Map<String, Object>>> TERMS = new TypeReference<>() {
	};

	private final JdbcClient jdbc;

	private final JsonMapper json;

	RewardConfigStore(JdbcClient jdbc, JsonMapper json) {
		this.jdbc = jdbc;
		this.json = json;
	}

	long insert(long ownerId, String name, int version, String description, List<Map<String, Object>> terms) {
		return jdbc.sql("""
				INSERT INTO reward_configs (owner_id, name, version, description, terms)
				VALUES (?, ?, ?, ?, CAST(? AS jsonb)) RETURNING id""")
			.params(ownerId, name, version, description, json.writeValueAsString(terms))
			.query(Long.class)
			.single();
	}

	Optional<RewardConfigView> find(long id) {
		return jdbc.sql("SELECT * FROM reward_configs WHERE id = ?").param(id).query(this::map).optional();
	}

	/** Locks the row so that "is it used?" and the in-place update cannot race with a run using it. */
	Optional<RewardConfigView> findForUpdate(long id) {
		return jdbc.sql("SELECT * FROM reward_configs WHERE id = ? FOR UPDATE").param(id).query(this::map).optional();
	}

	/** Configurations visible to the user ({@code ownerId} null: everyone's), latest versions first. */
	List<RewardConfigView> list(@Nullable Long ownerId, boolean latestOnly) {
		return jdbc.sql("""
				SELECT * FROM reward_configs WHERE (CAST(? AS bigint) IS NULL OR owner_id = ?)
				AND (NOT ? OR superseded_by IS NULL) ORDER BY lower(name), version DESC""")
			.params(ownerId, ownerId, latestOnly)
			.query(this::map)
			.list();
	}

	boolean nameTaken(long ownerId, String name, long exceptId) {
		return jdbc.sql("SELECT EXISTS (SELECT 1 FROM reward_configs WHERE owner_id = ? AND name = ? AND id <> ?)")
			.params(ownerId, name, exceptId)
			.query(Boolean.class)
			.single();
	}

	int maxVersion(long ownerId, String name) {
		return jdbc.sql("SELECT coalesce(max(version), 0) FROM reward_configs WHERE owner_id = ? AND name = ?")
			.params(ownerId, name)
			.query(Integer.class)
			.single();
	}

	void update(long id, String name, String description, List<Map<String, Object>> terms) {
		jdbc.sql("UPDATE reward_configs SET name = ?, description = ?, terms = CAST(? AS jsonb), updated_at = now() WHERE id = ?")
			.params(name, description, json.writeValueAsString(terms), id)
			.update();
	}

	void supersede(long id, long by) {
		jdbc.sql("UPDATE reward_configs SET superseded_by = ?, updated_at = now() WHERE id = ?").params(by, id).update();
	}

	void markUsed(long id) {
		jdbc.sql("UPDATE reward_configs SET used = true WHERE id = ? AND NOT used").param(id).update();
	}

	void delete(long id) {
		// an older version that pointed at this one becomes the latest again
		jdbc.sql("UPDATE reward_configs SET superseded_by = NULL WHERE superseded_by = ?").param(id).update();
		jdbc.sql("DELETE FROM reward_configs WHERE id = ?").param(id).update();
	}

	private RewardConfigView map(ResultSet rs, int row) throws SQLException {
		long next = rs.getLong("superseded_by");
		Long supersededBy = rs.wasNull() ? null : next;
		return new RewardConfigView(rs.getLong("id"), rs.getLong("owner_id"), rs.getString("name"), rs.getInt("version"),
				rs.getString("description"), json.readValue(rs.getString("terms"), TERMS), rs.getBoolean("used"),
				supersededBy, rs.getTimestamp("created_at").toInstant(),
				rs.getTimestamp("updated_at").toInstant());
	}

}

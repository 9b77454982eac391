package dev.vlmr1.studio.dataset;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import dev.vlmr1.studio.web.ApiProblem;
import dev.vlmr1.studio.web.CurrentUser;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The dataset module's public API for other modules (runs, evaluations).
 *
 * <p>A run validates its dataset ids with {@link #requireUsable} and registers itself with {@link #markInUse}
 * in the same transaction as its own insert; from then on the dataset cannot be deleted until
 * {@link #releaseUse} (the {@code dataset_usages} foreign key enforces it in the database too).
 */
@Service
public class DatasetManagement {

	private static final TypeReference<LinkedHashMap<String, Integer>> COUNTS = new TypeReference<>() {
	};

	private final JdbcClient jdbc;

	private final JsonMapper json;

	DatasetManagement(JdbcClient jdbc, JsonMapper json) {
		this.jdbc = jdbc;
		this.json = json;
	}

	/** The dataset if it exists and {@code user} may see it; foreign and missing datasets look the same. */
	@Transactional(readOnly = true)
	public Optional<DatasetSummary> find(DatasetId id, CurrentUser user) {
		return jdbc.sql("""
				SELECT id, owner_id, name, version, content_sha256, sample_count, image_count, task_counts, created_at
				FROM datasets WHERE id = ?""")
			.param(id.value())
			.query(this::summary)
			.optional()
			.filter((summary) -> user.canAccess(summary.ownerId()));
	}

	/**
	 * The dataset, or an {@link ApiProblem}: 404 when it does not exist or belongs to someone else, 409
	 * ({@code dataset-empty}) when it holds no sample to train on.
	 */
	@Transactional(readOnly = true)
	public DatasetSummary requireUsable(DatasetId id, CurrentUser user) {
		DatasetSummary summary = find(id, user).orElseThrow(() -> ApiProblem.notFound("Dataset " + id));
		if (summary.sampleCount() == 0) {
			throw ApiProblem.conflict("dataset-empty", "Dataset " + id + " holds no valid sample");
		}
		return summary;
	}

	/**
	 * Up to {@code limit} samples of the dataset as text and image sizes, spread evenly over it (every k-th in upload
	 * order), for checks that need the data's shape but not its pixels.
	 */
	@Transactional(readOnly = true)
	public List<SampleShape> sampleShapes(DatasetId id, int limit) {
		long count = jdbc.sql("SELECT count(*) FROM samples WHERE dataset_id = ?").param(id.value()).query(Long.class).single();
		long every = Math.max(1, (count + limit - 1) / Math.max(1, limit));
		return jdbc.sql("""
				SELECT question, solution, task_type, images::text AS images FROM (
				  SELECT *, row_number() OVER (ORDER BY file_id, line) - 1 AS n FROM samples WHERE dataset_id = ?) s
				WHERE n % ? = 0 ORDER BY n LIMIT ?""")
			.params(id.value(), every, limit)
			.query((rs, n) -> new SampleShape(rs.getString("question"), rs.getString("solution"), rs.getString("task_type"),
					imageSizes(rs.getString("images"))))
			.list();
	}

	private List<int[]> imageSizes(String imagesJson) {
		List<int[]> sizes = new java.util.ArrayList<>();
		json.readTree(imagesJson).forEach((image) -> sizes.add(new int[] { image.path("width").asInt(), image.path("height").asInt() }));
		return sizes;
	}

	/**
	 * Records that {@code usageRef} (e.g. {@code "run:42"}) uses the dataset; idempotent. Call it inside the
	 * caller's transaction so the usage and the caller's own row commit together.
	 */
	@Transactional
	public void markInUse(DatasetId id, String usageRef) {
		jdbc.sql("INSERT INTO dataset_usages (dataset_id, usage_ref) VALUES (?, ?) ON CONFLICT DO NOTHING")
			.params(id.value(), usageRef)
			.update();
	}

	/** Removes one usage; the dataset becomes deletable once no usage is left. */
	@Transactional
	public void releaseUse(DatasetId id, String usageRef) {
		jdbc.sql("DELETE FROM dataset_usages WHERE dataset_id = ? AND usage_ref = ?")
			.params(id.value(), usageRef)
			.update();
	}

	/** Whether anything registered with {@link #markInUse} still uses the dataset. */
	@Transactional(readOnly = true)
	public boolean isInUse(DatasetId id) {
		return jdbc.sql("SELECT EXISTS (SELECT 1 FROM dataset_usages WHERE dataset_id = ?)")
			.param(id.value())
			.query(Boolean.class)
			.single();
	}

	private DatasetSummary summary(ResultSet rs, int row) throws SQLException {
		Map<String, Integer> counts = json.readValue(rs.getString("task_counts"), COUNTS);
		return new DatasetSummary(new DatasetId(rs.getLong("id")), rs.getLong("owner_id"), rs.getString("name"),
				rs.getInt("version"), rs.getString("content_sha256"), rs.getInt("sample_count"),
				rs.getInt("image_count"), counts, rs.getTimestamp("created_at").toInstant());
	}

}

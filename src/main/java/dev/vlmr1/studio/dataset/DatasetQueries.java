package dev.vlmr1.studio.dataset;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import dev.vlmr1.studio.dataset.DatasetViews.Detail;
import dev.vlmr1.studio.dataset.DatasetViews.FileView;
import dev.vlmr1.studio.dataset.DatasetViews.ImageRef;
import dev.vlmr1.studio.dataset.DatasetViews.ListItem;
import dev.vlmr1.studio.dataset.DatasetViews.SamplePage;
import dev.vlmr1.studio.dataset.DatasetViews.SampleView;
import dev.vlmr1.studio.dataset.ingest.GroundTruth;
import dev.vlmr1.studio.web.ApiProblem;
import dev.vlmr1.studio.web.CurrentUser;

import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/** Read side of datasets; every method checks ownership and answers 404 for foreign and missing ids alike. */
@Component
@Transactional(readOnly = true)
class DatasetQueries {

	private static final TypeReference<LinkedHashMap<String, Integer>> COUNTS = new TypeReference<>() {
	};

	private static final TypeReference<List<ImageRef>> IMAGES = new TypeReference<>() {
	};

	private final JdbcClient jdbc;

	private final JsonMapper json;

	private final ImageStore store;

	DatasetQueries(JdbcClient jdbc, JsonMapper json, ImageStore store) {
		this.jdbc = jdbc;
		this.json = json;
		this.store = store;
	}

	List<ListItem> list(CurrentUser user) {
		return jdbc.sql("""
				SELECT id, name, version, sample_count, invalid_lines, image_count, task_counts, created_at
				FROM datasets WHERE owner_id = ? OR ? ORDER BY id DESC""")
			.params(user.id(), user.admin())
			.query((rs, n) -> new ListItem(rs.getLong("id"), rs.getString("name"), rs.getInt("version"),
					rs.getInt("sample_count"), rs.getInt("invalid_lines"), rs.getInt("image_count"),
					counts(rs.getString("task_counts")), rs.getTimestamp("created_at").toInstant()))
			.list();
	}

	/** The owner of a dataset the user may access, or a 404 problem. */
	long requireAccess(long id, CurrentUser user) {
		Optional<Long> owner = jdbc.sql("SELECT owner_id FROM datasets WHERE id = ?").param(id).query(Long.class).optional();
		if (owner.isEmpty() || !user.canAccess(owner.get())) {
			throw ApiProblem.notFound("Dataset " + id);
		}
		return owner.get();
	}

	Detail detail(long id, CurrentUser user) {
		requireAccess(id, user);
		List<FileView> files = jdbc.sql("""
				SELECT name, sha256, size_bytes, line_count, sample_count, image_source FROM dataset_files
				WHERE dataset_id = ? ORDER BY position""")
			.param(id)
			.query((rs, n) -> new FileView(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getInt(4), rs.getInt(5),
					rs.getString(6)))
			.list();
		return jdbc.sql("""
				SELECT d.*, EXISTS (SELECT 1 FROM dataset_usages u WHERE u.dataset_id = d.id) AS in_use
				FROM datasets d WHERE id = ?""")
			.param(id)
			.query((rs, n) -> new Detail(rs.getLong("id"), rs.getString("name"), rs.getInt("version"),
					rs.getString("mode"), rs.getString("content_sha256"), rs.getInt("sample_count"),
					rs.getInt("invalid_lines"), rs.getInt("image_count"), rs.getLong("jsonl_bytes"),
					rs.getLong("image_bytes"), counts(rs.getString("task_counts")),
					rs.getTimestamp("created_at").toInstant(), rs.getBoolean("in_use"), files,
					json.readTree(rs.getString("report")), rs.getInt("report_truncated"),
					json.readTree(rs.getString("normalised"))))
			.single();
	}

	SamplePage samples(long id, CurrentUser user, int page, int size, @Nullable String task, @Nullable String text) {
		requireAccess(id, user);
		int pageSize = Math.max(1, Math.min(size, 100));
		int pageIndex = Math.max(0, page);
		String pattern = text == null || text.isBlank() ? null
				: "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
		String taskFilter = task == null || task.isBlank() ? null : task;
		String where = """
				WHERE s.dataset_id = :id AND (CAST(:task AS text) IS NULL OR s.task_type = :task)
				  AND (CAST(:pattern AS text) IS NULL OR s.question ILIKE :pattern OR s.solution ILIKE :pattern)""";
		long total = jdbc.sql("SELECT count(*) FROM samples s " + where)
			.param("id", id)
			.param("task", taskFilter)
			.param("pattern", pattern)
			.query(Long.class)
			.single();
		List<SampleView> items = jdbc.sql("""
				SELECT s.*, f.name AS file_name FROM samples s JOIN dataset_files f ON f.id = s.file_id
				""" + where + " ORDER BY s.id LIMIT :limit OFFSET :offset")
			.param("id", id)
			.param("task", taskFilter)
			.param("pattern", pattern)
			.param("limit", pageSize)
			.param("offset", (long) pageIndex * pageSize)
			.query((rs, n) -> {
				String solution = rs.getString("solution");
				return new SampleView(rs.getLong("id"), rs.getString("file_name"), rs.getInt("line"),
						rs.getString("sample_key"), rs.getString("question"), solution, rs.getString("task_type"),
						rs.getString("accu_reward_method"), json.readValue(rs.getString("images"), IMAGES),
						GroundTruth.boxes(solution), json.readTree(rs.getString("extra")));
			})
			.list();
		return new SamplePage(pageIndex, pageSize, total, items);
	}

	/** The stored image file and its format, if the dataset (accessible to the user) references it. */
	StoredImage image(long id, String sha256, CurrentUser user) {
		requireAccess(id, user);
		Optional<String> format = jdbc.sql("""
				SELECT i.format FROM dataset_images d JOIN images i ON i.sha256 = d.sha256
				WHERE d.dataset_id = ? AND d.sha256 = ?""")
			.params(id, sha256)
			.query(String.class)
			.optional();
		Path file = format.isPresent() && sha256.matches("[0-9a-f]{64}") ? store.path(sha256) : null;
		if (file == null || !Files.isRegularFile(file)) {
			throw ApiProblem.notFound("Image " + sha256);
		}
		return new StoredImage(file, format.get());
	}

	record StoredImage(Path file, String format) {
	}

	private Map<String, Integer> counts(String text) {
		return json.readValue(text, COUNTS);
	}

}

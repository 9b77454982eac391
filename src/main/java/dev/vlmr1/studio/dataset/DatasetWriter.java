package dev.vlmr1.studio.dataset;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import javax.sql.DataSource;

import tools.jackson.databind.json.JsonMapper;

import dev.vlmr1.studio.dataset.ingest.ProbedImage;
import dev.vlmr1.studio.dataset.ingest.ValidationResult;
import dev.vlmr1.studio.dataset.ingest.ValidationResult.ValidRow;
import dev.vlmr1.studio.dataset.ingest.ValidationResult.ValidatedFile;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * Writes a validated upload in one transaction: the dataset row, its files, its images (shared rows, inserted
 * once) and its samples by COPY. Any failure rolls all of it back (T5.1).
 */
@Component
class DatasetWriter {

	/** What to store besides the validated content. */
	record NewDataset(long ownerId, String name, String mode, String contentSha256, String reportJson,
			int reportTruncated, String normalisedJson) {
	}

	private final JdbcTemplate jdbc;

	private final DataSource dataSource;

	private final JsonMapper json;

	DatasetWriter(JdbcTemplate jdbc, DataSource dataSource, JsonMapper json) {
		this.jdbc = jdbc;
		this.dataSource = dataSource;
		this.json = json;
	}

	/**
	 * Inserts everything in one transaction; {@code beforeCommit} runs last inside it (the ingest waits there for
	 * its images to be in the artifact store, so a committed dataset never lacks a file).
	 */
	@Transactional
	long write(NewDataset dataset, ValidationResult result, Runnable beforeCommit) {
		Integer version = jdbc.queryForObject(
				"SELECT coalesce(max(version), 0) + 1 FROM datasets WHERE owner_id = ? AND name = ?", Integer.class,
				dataset.ownerId(), dataset.name());
		Map<String, Integer> counts = new TreeMap<>(Map.of("rec", 0, "ovd", 0, "counting", 0, "other", 0));
		long jsonlBytes = 0;
		for (ValidatedFile file : result.files()) {
			jsonlBytes += file.sizeBytes();
			for (ValidRow row : file.rows()) {
				counts.merge(row.row().taskType().slug(), 1, Integer::sum);
			}
		}
		long imageBytes = result.images().values().stream().mapToLong(ProbedImage::sizeBytes).sum();
		long datasetId = insertReturningId("""
				INSERT INTO datasets (owner_id, name, version, content_sha256, mode, sample_count, invalid_lines,
				    image_count, jsonl_bytes, image_bytes, task_counts, report, report_truncated, normalised)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?::jsonb, ?, ?::jsonb)""", dataset.ownerId(),
				dataset.name(), version, dataset.contentSha256(), dataset.mode(), result.validRows(),
				result.invalidLines(), result.images().size(), jsonlBytes, imageBytes, json.writeValueAsString(counts),
				dataset.reportJson(), dataset.reportTruncated(), dataset.normalisedJson());
		List<Object[]> images = new ArrayList<>();
		List<Object[]> links = new ArrayList<>();
		for (ProbedImage image : result.images().values()) {
			images.add(new Object[] { image.sha256(), image.width(), image.height(), image.format(), image.sizeBytes() });
			links.add(new Object[] { datasetId, image.sha256() });
		}
		jdbc.batchUpdate("""
				INSERT INTO images (sha256, width, height, format, size_bytes) VALUES (?, ?, ?, ?, ?)
				ON CONFLICT (sha256) DO NOTHING""", images);
		jdbc.batchUpdate("INSERT INTO dataset_images (dataset_id, sha256) VALUES (?, ?)", links);
		Connection connection = DataSourceUtils.getConnection(dataSource);
		for (int i = 0; i < result.files().size(); i++) {
			ValidatedFile file = result.files().get(i);
			long fileId = insertReturningId("""
					INSERT INTO dataset_files (dataset_id, position, name, sha256, size_bytes, line_count, sample_count,
					    image_source)
					VALUES (?, ?, ?, ?, ?, ?, ?, ?)""", datasetId, i, file.input().name(), file.sha256(), file.sizeBytes(),
					file.lineCount(), file.rows().size(), file.input().imageSource());
			try {
				SampleCopy.copy(connection, datasetId, fileId, file.rows(), json);
			}
			catch (SQLException ex) {
				throw new IllegalStateException("storing samples failed: " + ex.getMessage(), ex);
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}
		beforeCommit.run();
		return datasetId;
	}

	private long insertReturningId(String sql, Object... args) {
		GeneratedKeyHolder keys = new GeneratedKeyHolder();
		jdbc.update((connection) -> {
			var statement = connection.prepareStatement(sql, new String[] { "id" });
			for (int i = 0; i < args.length; i++) {
				statement.setObject(i + 1, args[i]);
			}
			return statement;
		}, keys);
		return keys.getKeyAs(Long.class);
	}

}

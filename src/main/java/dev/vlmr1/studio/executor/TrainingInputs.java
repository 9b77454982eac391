package dev.vlmr1.studio.executor;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.core.simple.JdbcClient;

import dev.vlmr1.studio.model.lora.PeftAdapterFiles;
import dev.vlmr1.studio.train.TrainingSample;

/**
 * Read-only access, for a worker, to what a run trains on: the model's directory (catalog table {@code models})
 * and the samples of its datasets (table {@code samples}) with their images resolved in the content-addressed
 * artifact store ({@code <artifacts>/images/ab/cdef…}). Every image is checked against its SHA-256 before
 * training starts, so a corrupt or missing file fails the run as {@link FailureKind#DATA} with its name instead
 * of deep inside the image decoder. (The dataset module has no read API for workers, which run without JPA.)
 */
public final class TrainingInputs {

	private static final ObjectMapper JSON = new ObjectMapper();

	private final JdbcClient jdbc;

	private final Path imagesDir;

	public TrainingInputs(JdbcClient jdbc, Path artifactsDir) {
		this.jdbc = jdbc;
		this.imagesDir = artifactsDir.resolve("images");
	}

	/** The registered model's directory; SETUP when it is gone from the catalog or the disk. */
	public Path modelDir(long modelId) {
		String path = jdbc.sql("SELECT path FROM models WHERE id = ?").param(modelId).query(String.class).optional()
			.orElseThrow(() -> new TrainingFailure(FailureKind.SETUP, "model " + modelId + " is not registered"));
		Path dir = Path.of(path);
		// a PEFT adapter as peft writes it has no config.json of its own: it loads as its base with the adapter on top
		if (!Files.isRegularFile(dir.resolve("config.json")) && !PeftAdapterFiles.isAdapter(dir)) {
			throw new TrainingFailure(FailureKind.SETUP, "model " + modelId + " has no config.json at " + dir);
		}
		return dir;
	}

	/** Every sample of the datasets, in dataset then upload order; DATA when empty or an image is bad. */
	public List<TrainingSample> samples(List<Long> datasetIds) {
		List<TrainingSample> samples = new ArrayList<>();
		Map<String, Path> verified = new HashMap<>();
		for (long datasetId : datasetIds) {
			jdbc.sql("""
					SELECT id, sample_key, question, solution, task_type, accu_reward_method, images::text AS images,
					       extra::text AS extra
					FROM samples WHERE dataset_id = ? ORDER BY file_id, line""")
				.param(datasetId)
				.query((rs, n) -> toSample(datasetId, rs.getLong("id"), rs.getString("sample_key"), rs.getString("question"),
						rs.getString("solution"), rs.getString("task_type"), rs.getString("accu_reward_method"),
						rs.getString("images"), rs.getString("extra"), verified))
				.list()
				.forEach(samples::add);
		}
		if (samples.isEmpty()) {
			throw new TrainingFailure(FailureKind.DATA, "datasets " + datasetIds + " have no samples");
		}
		return samples;
	}

	/** The task type shared by all samples of the datasets, or null when they mix tasks. */
	public @Nullable String commonTaskType(List<Long> datasetIds) {
		List<String> types = new ArrayList<>();
		for (long id : datasetIds) {
			types.addAll(jdbc.sql("SELECT DISTINCT task_type FROM samples WHERE dataset_id = ?").param(id)
				.query(String.class).list());
		}
		return types.stream().distinct().count() == 1 ? types.get(0) : null;
	}

	private TrainingSample toSample(long datasetId, long rowId, @Nullable String key, String question, String solution,
			String taskType, @Nullable String method, String imagesJson, String extraJson, Map<String, Path> verified) {
		List<Path> images = new ArrayList<>();
		for (JsonNode image : read(imagesJson)) {
			String sha = image.path("sha256").asText();
			images.add(verified.computeIfAbsent(sha, s -> verify(s, datasetId, image.path("path").asText())));
		}
		Map<String, @Nullable Object> fields = new LinkedHashMap<>();
		read(extraJson).fields().forEachRemaining(e -> fields.put(e.getKey(), JSON.convertValue(e.getValue(), Object.class)));
		fields.put("task_type", taskType);
		if (method != null) {
			fields.put("accu_reward_method", method);
		}
		String id = key != null ? key : datasetId + ":" + rowId;
		return new TrainingSample(id, question.replace("<image>", "").strip(), images, solution, fields);
	}

	/** The stored file of image {@code sha}, after checking its content still hashes to {@code sha}. */
	private Path verify(String sha, long datasetId, String name) {
		if (!sha.matches("[0-9a-f]{64}")) {
			throw new TrainingFailure(FailureKind.DATA, "dataset " + datasetId + ": image " + name + " has no valid sha256");
		}
		Path file = imagesDir.resolve(sha.substring(0, 2)).resolve(sha.substring(2));
		if (!Files.isRegularFile(file)) {
			throw new TrainingFailure(FailureKind.DATA,
					"dataset " + datasetId + ": image " + name + " is missing from the artifact store (" + file + ")");
		}
		String actual = sha256(file);
		if (!actual.equals(sha)) {
			throw new TrainingFailure(FailureKind.DATA, "dataset " + datasetId + ": image " + name
					+ " is corrupt in the artifact store: content hashes to " + actual + ", expected " + sha);
		}
		return file;
	}

	private static String sha256(Path file) {
		try (InputStream in = Files.newInputStream(file)) {
			MessageDigest digest = MessageDigest.getInstance("SHA-256");
			byte[] buffer = new byte[65536];
			for (int n; (n = in.read(buffer)) > 0;) {
				digest.update(buffer, 0, n);
			}
			return HexFormat.of().formatHex(digest.digest());
		}
		catch (IOException ex) {
			throw new TrainingFailure(FailureKind.DATA, "cannot read image " + file + ": " + ex.getMessage());
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static JsonNode read(String json) {
		try {
			return JSON.readTree(json);
		}
		catch (JsonProcessingException ex) {
			throw new TrainingFailure(FailureKind.DATA, "unreadable sample JSON: " + ex.getOriginalMessage());
		}
	}

}

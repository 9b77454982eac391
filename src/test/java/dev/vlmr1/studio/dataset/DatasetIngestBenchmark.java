package dev.vlmr1.studio.dataset;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import dev.vlmr1.studio.StudioApplication;
import dev.vlmr1.studio.web.CurrentUser;

import org.postgresql.PGConnection;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.mock.web.MockMultipartFile;

/**
 * Ingest throughput against its bound: a generated jsonl of 100,000 REC rows referencing 2,000 PNG images (in a
 * server folder under an allowed root, i.e. already received) goes through the real upload path (staging of the
 * jsonl, validation of every line and image, content-addressed image store, COPY of the samples in one
 * transaction) and is compared with a plain PostgreSQL {@code COPY} of the same rows
 * into the same table, measured in the same run on the same embedded PostgreSQL. Prints rows/s and the ratio
 * (aim: at least 0.5).
 *
 * <p>Run: {@code mvn -q -Dskip.frontend test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=dev.vlmr1.studio.dataset.DatasetIngestBenchmark}
 */
public final class DatasetIngestBenchmark {

	private static final int ROWS = 100_000;

	private static final int IMAGES = 2_000;

	private static final int ROUNDS = 3;

	private DatasetIngestBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		Path dataDir = Files.createTempDirectory("studio-ingest-bench");
		try (ConfigurableApplicationContext context = SpringApplication.run(StudioApplication.class,
				"--studio.data-dir=" + dataDir, "--server.port=0", "--logging.level.root=warn",
				// the test classpath caps lines for fast tests; the benchmark uses the production limits
				"--studio.datasets.max-lines=2000000")) {
			JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
			Long userId = jdbc.queryForObject(
					"INSERT INTO users (username, password_hash, role) VALUES ('bench', 'x', 'USER') RETURNING id", Long.class);
			CurrentUser user = new CurrentUser(userId, "bench", false);
			byte[] jsonl = jsonl();
			// the images are already on the server (a folder under an allowed root), as after an upload was received
			Path folder = Files.createDirectories(DatasetTestSupport.ALLOWED_ROOT.resolve(dataDir.getFileName()).resolve("img"));
			for (int i = 0; i < IMAGES; i++) {
				Files.write(folder.resolve(i + ".png"), DatasetTestSupport.png(64 + i % 37, 64));
			}
			UploadStaging staging = context.getBean(UploadStaging.class);
			DatasetIngest ingest = context.getBean(DatasetIngest.class);
			DataSource dataSource = context.getBean(DataSource.class);
			String copyText = copyText(jdbc, userId);
			double bestCopy = Double.MAX_VALUE;
			double bestIngest = Double.MAX_VALUE;
			for (int round = 0; round < ROUNDS; round++) {
				bestCopy = Math.min(bestCopy, plainCopy(dataSource, copyText));
				long start = System.nanoTime();
				var parts = new UploadStaging.Parts(List.of(new MockMultipartFile("jsonl", "bench.jsonl", "application/x-ndjson", jsonl)),
						Map.of(), Map.of(), Map.of(0, folder.getParent().toString()));
				Map<String, Long> phaseStart = new java.util.LinkedHashMap<>();
				try (var staged = staging.stage(parts)) {
					phaseStart.put("staged", System.nanoTime());
					var outcome = ingest.ingest(user, new DatasetIngest.Request("bench-" + round, "strict", null), staged,
							(phase, done, total) -> phaseStart.putIfAbsent(phase, System.nanoTime()));
					if (outcome.replayed()) {
						throw new IllegalStateException("expected a new dataset");
					}
				}
				long end = System.nanoTime();
				bestIngest = Math.min(bestIngest, (end - start) / 1e9);
				StringBuilder phases = new StringBuilder("  round " + round + ": staging");
				long previous = start;
				for (var phase : phaseStart.entrySet()) {
					phases.append(String.format(" %.2fs | %s", (phase.getValue() - previous) / 1e9, phase.getKey()));
					previous = phase.getValue();
				}
				System.out.println(phases.append(String.format(" %.2fs", (end - previous) / 1e9)));
				jdbc.update("DELETE FROM datasets WHERE name = ?", "bench-" + round);
			}
			double copyRate = ROWS / bestCopy;
			double ingestRate = ROWS / bestIngest;
			System.out.printf("plain COPY      : %,10.0f rows/s (%.3f s)%n", copyRate, bestCopy);
			System.out.printf("ingest (valid.) : %,10.0f rows/s (%.3f s, %d rows, %d images)%n", ingestRate, bestIngest,
					ROWS, IMAGES);
			System.out.printf("ratio ingest/COPY = %.2f (aim >= 0.50)%n", ingestRate / copyRate);
		}
		finally {
			UploadStaging.deleteTree(dataDir);
			UploadStaging.deleteTree(DatasetTestSupport.ALLOWED_ROOT.resolve(dataDir.getFileName()));
		}
	}

	private static byte[] jsonl() {
		var out = new ByteArrayOutputStream(ROWS * 200);
		for (int i = 0; i < ROWS; i++) {
			out.writeBytes((DatasetTestSupport.rec(i, "img/" + (i % IMAGES) + ".png", "[" + (i % 20) + ".5, 3, 40, 50]") + "\n")
				.getBytes(StandardCharsets.UTF_8));
		}
		return out.toByteArray();
	}

	/** The same rows as COPY text for a scratch dataset and file, as the ingest path would send them. */
	private static String copyText(JdbcTemplate jdbc, long userId) {
		Long datasetId = jdbc.queryForObject("""
				INSERT INTO datasets (owner_id, name, version, content_sha256, mode, sample_count, invalid_lines, image_count,
				    jsonl_bytes, image_bytes, task_counts, report)
				VALUES (?, 'copy-bound', 1, repeat('0', 64), 'strict', 0, 0, 0, 0, 0, '{}', '[]') RETURNING id""", Long.class,
				userId);
		Long fileId = jdbc.queryForObject("""
				INSERT INTO dataset_files (dataset_id, position, name, sha256, size_bytes, line_count, sample_count, image_source)
				VALUES (?, 0, 'bench.jsonl', repeat('0', 64), 0, 0, 0, 'files') RETURNING id""", Long.class, datasetId);
		StringBuilder text = new StringBuilder(ROWS * 300);
		String question = "<image>Please provide the bounding box of the red square.";
		for (int i = 0; i < ROWS; i++) {
			String images = "[{\"path\":\"img/" + (i % IMAGES) + ".png\",\"sha256\":\"" + "a".repeat(64)
					+ "\",\"width\":64,\"height\":64}]";
			text.append(datasetId).append('\t').append(fileId).append('\t').append(i + 1).append('\t').append(i).append('\t')
				.append(question).append('\t').append('[').append(i % 20).append(".5, 3, 40, 50]\trec\t\\N\t").append(images)
				.append("\t{}\n");
		}
		return text.toString();
	}

	/** Seconds for one COPY of the rows plus commit, then the rows are removed again. */
	private static double plainCopy(DataSource dataSource, String copyText) throws Exception {
		try (Connection connection = dataSource.getConnection()) {
			connection.setAutoCommit(false);
			long start = System.nanoTime();
			connection.unwrap(PGConnection.class).getCopyAPI().copyIn(SampleCopy.COPY_SQL, new java.io.StringReader(copyText));
			connection.commit();
			double seconds = (System.nanoTime() - start) / 1e9;
			try (var statement = connection.createStatement()) {
				statement.executeUpdate("DELETE FROM samples WHERE dataset_id = (SELECT id FROM datasets WHERE name = 'copy-bound')");
			}
			connection.commit();
			return seconds;
		}
	}

}

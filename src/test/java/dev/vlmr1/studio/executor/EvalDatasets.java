package dev.vlmr1.studio.executor;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

import javax.imageio.ImageIO;

import org.springframework.jdbc.core.simple.JdbcClient;

import dev.vlmr1.studio.synth.SynthSample;

/**
 * Stores synthetic samples as a dataset straight in the tables a worker reads ({@code datasets},
 * {@code dataset_files}, {@code samples}, images in the content-addressed artifact store), for executor tests
 * that run without the web application's upload.
 */
final class EvalDatasets {

	private EvalDatasets() {
	}

	/** A dataset of owner 1 holding {@code samples} as lines 1…n of one file, tasks as the samples say. */
	static long store(JdbcClient jdbc, Path artifacts, String name, List<SynthSample> samples) {
		long dataset = jdbc.sql("""
				INSERT INTO datasets (owner_id, name, version, content_sha256, mode, sample_count, invalid_lines,
				  image_count, jsonl_bytes, image_bytes, task_counts, report)
				VALUES (1, ?, 1, ?, 'strict', ?, 0, ?, 0, 0, '{}', '[]') RETURNING id""")
			.params(name, sha256(name.getBytes()), samples.size(), samples.size())
			.query(Long.class)
			.single();
		long file = jdbc.sql("""
				INSERT INTO dataset_files (dataset_id, position, name, sha256, size_bytes, line_count, sample_count,
				  image_source) VALUES (?, 0, ?, ?, 0, ?, ?, 'files') RETURNING id""")
			.params(dataset, name + ".jsonl", sha256(name.getBytes()), samples.size(), samples.size())
			.query(Long.class)
			.single();
		for (int i = 0; i < samples.size(); i++) {
			SynthSample s = samples.get(i);
			String sha = storeImage(artifacts, png(s));
			String images = "[{\"path\": \"images/" + s.id() + ".png\", \"sha256\": \"" + sha + "\", \"width\": "
					+ s.image().getWidth() + ", \"height\": " + s.image().getHeight() + "}]";
			jdbc.sql("""
					INSERT INTO samples (dataset_id, file_id, line, sample_key, question, solution, task_type, images, extra)
					VALUES (?, ?, ?, ?, ?, ?, ?, CAST(? AS jsonb), '{}')""")
				.params(dataset, file, i + 1, s.id(), "<image>" + s.question(), s.solution(),
						s.task().name().toLowerCase(java.util.Locale.ROOT), images)
				.update();
		}
		return dataset;
	}

	private static byte[] png(SynthSample s) {
		try {
			ByteArrayOutputStream out = new ByteArrayOutputStream();
			ImageIO.write(s.image(), "png", out);
			return out.toByteArray();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static String storeImage(Path artifacts, byte[] bytes) {
		String sha = sha256(bytes);
		try {
			Path file = artifacts.resolve("images").resolve(sha.substring(0, 2)).resolve(sha.substring(2));
			Files.createDirectories(file.getParent());
			Files.write(file, bytes);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return sha;
	}

	private static String sha256(byte[] bytes) {
		try {
			return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

}

package dev.vlmr1.studio.executor;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Checkpoint directories of one run on disk, and the {@code COMMITTED} marker that makes one usable.
 *
 * <p>Each attempt writes under its own folder ({@code attempt-<n>/checkpoint-<step>}), so a zombie attempt
 * and its successor never write the same files. A checkpoint counts only when (1) its {@code COMMITTED}
 * manifest exists and every sha256 in it matches, and (2) the run's registry (database, fenced by the
 * lease) lists it: a torn write (no marker) or a zombie's write (never registered) is never resumed from,
 * and is moved to {@code quarantine/} when a new attempt starts.
 */
final class CheckpointStore {

	static final String MARKER = "COMMITTED";

	private final Path runDir;

	CheckpointStore(Path artifactsDir, long runId) {
		this.runDir = artifactsDir.resolve("runs").resolve(Long.toString(runId)).toAbsolutePath();
	}

	Path runDir() {
		return runDir;
	}

	/** A fresh, empty directory for the checkpoint of {@code step} written by {@code attempt}. */
	Path stagingDir(int attempt, int step) {
		Path dir = runDir.resolve("attempt-" + attempt).resolve("checkpoint-" + step);
		try {
			if (Files.exists(dir)) {
				deleteTree(dir);
			}
			return Files.createDirectories(dir);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Writes the {@code COMMITTED} manifest (step and the sha256 of every file) atomically: before the
	 * rename the checkpoint does not exist for a reader.
	 */
	void commit(Path dir, int step) {
		try (Stream<Path> files = Files.list(dir)) {
			StringBuilder manifest = new StringBuilder("step " + step + "\n");
			// a trainer may write its own COMMITTED file (TrainerCheckpoint); the manifest replaces it
			for (Path file : files.filter(Files::isRegularFile)
				.filter(f -> !f.getFileName().toString().equals(MARKER))
				.sorted()
				.toList()) {
				manifest.append("sha256 ").append(sha256(file)).append(' ').append(file.getFileName()).append('\n');
			}
			Path tmp = dir.resolve(MARKER + ".tmp");
			Files.writeString(tmp, manifest, StandardCharsets.UTF_8);
			Files.move(tmp, dir.resolve(MARKER), StandardCopyOption.ATOMIC_MOVE);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** Whether {@code dir} holds a complete checkpoint of {@code step}: marker present, every hash matching. */
	boolean isCommitted(Path dir, int step) {
		Path marker = dir.resolve(MARKER);
		if (!Files.isRegularFile(marker)) {
			return false;
		}
		try {
			List<String> lines = Files.readAllLines(marker, StandardCharsets.UTF_8);
			if (lines.isEmpty() || !lines.get(0).equals("step " + step) || lines.size() < 2) {
				return false;
			}
			for (String line : lines.subList(1, lines.size())) {
				String[] parts = line.split(" ", 3);
				Path file = dir.resolve(parts[2]).normalize();
				if (!parts[0].equals("sha256") || !file.startsWith(dir) || !Files.isRegularFile(file)
						|| !sha256(file).equals(parts[1])) {
					return false;
				}
			}
			return true;
		}
		catch (IOException | RuntimeException ex) {
			return false;
		}
	}

	/**
	 * The newest registered checkpoint that is intact on disk; registered ones that are not are skipped.
	 */
	Optional<ResumePoint> newestUsable(List<ResumePoint> registered) {
		return registered.stream()
			.sorted(Comparator.comparingInt(ResumePoint::step).reversed())
			.filter(point -> isCommitted(point.dir(), point.step()))
			.findFirst();
	}

	/**
	 * Moves every checkpoint directory other than {@code keep} that is torn or unregistered to
	 * {@code quarantine/}, so it is neither resumed from nor mistaken for one later.
	 * @return the quarantined directories' new locations
	 */
	List<Path> quarantineAllBut(Set<Path> keep) {
		List<Path> moved = new ArrayList<>();
		if (!Files.isDirectory(runDir)) {
			return moved;
		}
		Set<Path> kept = keep.stream().map(p -> p.toAbsolutePath().normalize()).collect(java.util.stream.Collectors.toSet());
		try (Stream<Path> attempts = Files.list(runDir)) {
			for (Path attemptDir : attempts.filter(p -> p.getFileName().toString().startsWith("attempt-")).toList()) {
				try (Stream<Path> checkpoints = Files.list(attemptDir)) {
					for (Path dir : checkpoints.filter(Files::isDirectory).toList()) {
						if (!kept.contains(dir.toAbsolutePath().normalize())) {
							Path target = runDir.resolve("quarantine")
								.resolve(attemptDir.getFileName() + "-" + dir.getFileName() + "-" + System.nanoTime());
							Files.createDirectories(target.getParent());
							Files.move(dir, target);
							moved.add(target);
						}
					}
				}
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return moved;
	}

	private static String sha256(Path file) throws IOException {
		try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
			in.transferTo(java.io.OutputStream.nullOutputStream());
			return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static void deleteTree(Path dir) throws IOException {
		try (Stream<Path> walk = Files.walk(dir)) {
			for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
				Files.delete(p);
			}
		}
	}

	/** A registered checkpoint: the step it ends and its directory. */
	record ResumePoint(int step, Path dir) {
	}

}

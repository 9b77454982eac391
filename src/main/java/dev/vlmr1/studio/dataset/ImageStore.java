package dev.vlmr1.studio.dataset;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import dev.vlmr1.studio.dataset.ingest.ProbedImage;
import dev.vlmr1.studio.web.StudioProperties;

import org.springframework.stereotype.Component;

/**
 * The content-addressed image part of the artifact store: {@code <artifacts>/images/ab/cdef…} holds the image
 * whose SHA-256 is {@code abcdef…}. Files are written to {@code images/tmp} first and moved into place
 * atomically, so a reader never sees half an image and a crash leaves only temp files, which
 * {@link #sweep} removes together with images no dataset references.
 */
@Component
class ImageStore {

	private final Path root;

	ImageStore(StudioProperties properties) {
		this.root = properties.artifactsDir().resolve("images").toAbsolutePath();
	}

	Path path(String sha256) {
		return root.resolve(sha256.substring(0, 2)).resolve(sha256.substring(2));
	}

	/** Stores the images not yet present; returns the hashes this call created (to undo on failure). */
	List<String> storeAll(Iterable<ProbedImage> images) {
		List<String> created = new ArrayList<>();
		try {
			Path tmp = Files.createDirectories(root.resolve("tmp"));
			for (ProbedImage image : images) {
				Path target = path(image.sha256());
				if (Files.exists(target)) {
					continue;
				}
				Files.createDirectories(target.getParent());
				Path temp = Files.createTempFile(tmp, image.sha256().substring(0, 8), ".part");
				Files.copy(image.file(), temp, StandardCopyOption.REPLACE_EXISTING);
				try {
					Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
				}
				catch (AtomicMoveNotSupportedException ex) {
					Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
				}
				created.add(image.sha256());
			}
			return created;
		}
		catch (IOException ex) {
			deleteAll(created);
			throw new UncheckedIOException(ex);
		}
	}

	void deleteAll(Iterable<String> hashes) {
		for (String sha : hashes) {
			try {
				Files.deleteIfExists(path(sha));
			}
			catch (IOException ex) {
				// left for the sweeper
			}
		}
	}

	/**
	 * Deletes stored images whose hash is not in {@code referenced} and temp files, both only when older than
	 * {@code grace} so that an upload in flight keeps its files. Returns how many files were removed.
	 */
	int sweep(Set<String> referenced, Duration grace) {
		if (!Files.isDirectory(root)) {
			return 0;
		}
		Instant cutoff = Instant.now().minus(grace);
		int removed = 0;
		try (Stream<Path> files = Files.walk(root, 2)) {
			for (Path file : files.filter(Files::isRegularFile).toList()) {
				String parent = file.getParent().getFileName().toString();
				boolean temp = parent.equals("tmp");
				boolean orphan = !temp && !referenced.contains(parent + file.getFileName());
				if ((temp || orphan) && Files.getLastModifiedTime(file).toInstant().isBefore(cutoff)) {
					Files.deleteIfExists(file);
					removed++;
				}
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return removed;
	}

}

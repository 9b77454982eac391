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
import java.util.Collection;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
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

	/**
	 * Stores the images not yet present, several at a time; returns the hashes this call created (to undo on
	 * failure). When one fails, the files this call created are removed again before the error is thrown.
	 */
	List<String> storeAll(Collection<ProbedImage> images) {
		Queue<String> created = new ConcurrentLinkedQueue<>();
		try {
			Path tmp = Files.createDirectories(root.resolve("tmp"));
			images.parallelStream().forEach((image) -> {
				try {
					if (store(image, tmp)) {
						created.add(image.sha256());
					}
				}
				catch (IOException ex) {
					throw new UncheckedIOException(ex);
				}
			});
			return new ArrayList<>(created);
		}
		catch (IOException | RuntimeException ex) {
			deleteAll(created);
			throw ex instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) ex;
		}
	}

	private boolean store(ProbedImage image, Path tmp) throws IOException {
		Path target = path(image.sha256());
		if (Files.exists(target)) {
			return false;
		}
		Files.createDirectories(target.getParent());
		Path temp = Files.createTempFile(tmp, image.sha256().substring(0, 8), ".part");
		try {
			Files.copy(image.file(), temp, StandardCopyOption.REPLACE_EXISTING);
			try {
				Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
			}
			catch (AtomicMoveNotSupportedException ex) {
				Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
			}
		}
		finally {
			Files.deleteIfExists(temp);
		}
		return true;
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

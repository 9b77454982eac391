package dev.vlmr1.studio.demoproject;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Removing the folders a create wrote, when it fails or once their content has been uploaded. */
final class Folders {

	private static final Logger log = LoggerFactory.getLogger(Folders.class);

	private Folders() {
	}

	/** Deletes {@code dir} and everything in it; a failure is logged, never thrown (this runs while cleaning up). */
	static void deleteQuietly(Path dir) {
		if (!Files.exists(dir)) {
			return;
		}
		try (Stream<Path> files = Files.walk(dir)) {
			for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
				Files.deleteIfExists(file);
			}
		}
		catch (IOException ex) {
			log.warn("could not delete {}: {}", dir, ex.getMessage());
		}
	}

}

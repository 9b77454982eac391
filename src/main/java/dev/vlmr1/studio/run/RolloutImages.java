package dev.vlmr1.studio.run;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;

import dev.vlmr1.studio.web.StudioProperties;

/**
 * Where rollout images live: a dataset image by its sha256 at {@code <artifacts>/images/<sha[0:2]>/<sha[2:]>}
 * (the dataset module's content-addressed layout), anything else by a path inside the artifact store. Refs are
 * normalised when recorded (an absolute path under the store becomes relative) and resolved again when served,
 * with symlinks followed, so no ref can reach outside the store.
 */
@Component
class RolloutImages {

	private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

	private final Path artifacts;

	RolloutImages(StudioProperties studio) {
		this.artifacts = studio.artifactsDir().toAbsolutePath().normalize();
	}

	/** The ref to store for {@code raw}, or null when it names nothing inside the artifact store. */
	@Nullable String normalise(String raw) {
		String ref = raw.strip();
		if (ref.isEmpty() || ref.length() > 1000) {
			return null;
		}
		if (SHA256.matcher(ref.toLowerCase(java.util.Locale.ROOT)).matches()) {
			return ref.toLowerCase(java.util.Locale.ROOT);
		}
		try {
			Path path = Path.of(ref);
			Path inside = (path.isAbsolute() ? path : artifacts.resolve(path)).normalize();
			if (!inside.startsWith(artifacts) || inside.equals(artifacts)) {
				return null;
			}
			return artifacts.relativize(inside).toString().replace('\\', '/');
		}
		catch (InvalidPathException ex) {
			return null;
		}
	}

	/** The readable file a stored ref names, if it exists and (after symlinks) is still inside the store. */
	Optional<Path> resolve(String ref) {
		String stored = normalise(ref);
		if (stored == null) {
			return Optional.empty();
		}
		Path file = SHA256.matcher(stored).matches()
				? artifacts.resolve("images").resolve(stored.substring(0, 2)).resolve(stored.substring(2))
				: artifacts.resolve(stored);
		try {
			Path real = file.toRealPath();
			return real.startsWith(artifacts.toRealPath()) && Files.isRegularFile(real) ? Optional.of(real)
					: Optional.empty();
		}
		catch (IOException ex) {
			return Optional.empty();
		}
	}

	/** The image type from the file's first bytes (never from its name); null when it is no image we serve. */
	static @Nullable MediaType sniff(Path file) throws IOException {
		byte[] head = new byte[12];
		int n;
		try (InputStream in = Files.newInputStream(file)) {
			n = in.readNBytes(head, 0, head.length);
		}
		if (n >= 8 && (head[0] & 0xff) == 0x89 && head[1] == 'P' && head[2] == 'N' && head[3] == 'G') {
			return MediaType.IMAGE_PNG;
		}
		if (n >= 3 && (head[0] & 0xff) == 0xff && (head[1] & 0xff) == 0xd8 && (head[2] & 0xff) == 0xff) {
			return MediaType.IMAGE_JPEG;
		}
		if (n >= 6 && head[0] == 'G' && head[1] == 'I' && head[2] == 'F') {
			return MediaType.IMAGE_GIF;
		}
		if (n >= 12 && head[0] == 'R' && head[1] == 'I' && head[8] == 'W' && head[9] == 'E' && head[10] == 'B'
				&& head[11] == 'P') {
			return MediaType.parseMediaType("image/webp");
		}
		if (n >= 2 && head[0] == 'B' && head[1] == 'M') {
			return MediaType.parseMediaType("image/bmp");
		}
		return null;
	}

}

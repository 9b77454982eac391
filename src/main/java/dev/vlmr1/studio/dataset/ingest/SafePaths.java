package dev.vlmr1.studio.dataset.ingest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

import org.jspecify.annotations.Nullable;

/**
 * The rules for relative paths that come from users: image paths in jsonl rows, file names of uploaded
 * images and archive entry names (T3.3, T3.6). A path is a {@code /}-separated list of plain names: no
 * {@code ..} or {@code .} segment, no leading {@code /}, no backslash, no {@code :} (which rules out
 * {@code file://}, {@code http://} and {@code C:\}), no control character (NUL included) and not longer than
 * the limit, and no segment longer than a file name may be (255 bytes on Linux file systems).
 */
public final class SafePaths {

	/** The longest file name common file systems (ext4, xfs, btrfs, tmpfs) store, in bytes of its UTF-8 form. */
	public static final int MAX_SEGMENT_BYTES = 255;

	private SafePaths() {
	}

	/** Why {@code path} is not a safe relative path, or {@code null} when it is. */
	public static @Nullable String problem(String path, int maxLength) {
		if (path.isEmpty()) {
			return "empty path";
		}
		if (path.length() > maxLength) {
			return "path longer than " + maxLength + " characters";
		}
		for (int i = 0; i < path.length(); i++) {
			char c = path.charAt(i);
			if (c < 0x20 || c == 0x7f) {
				return "control character in path";
			}
			if (c == '\\') {
				return "backslash in path";
			}
			if (c == ':') {
				return "URLs and drive letters are not allowed (':' in path)";
			}
		}
		if (path.startsWith("/")) {
			return "absolute path";
		}
		for (String segment : path.split("/", -1)) {
			if (segment.equals("..")) {
				return "path escapes the image folder ('..')";
			}
			if (segment.isEmpty() || segment.equals(".")) {
				return "empty or '.' path segment";
			}
			if (segment.getBytes(StandardCharsets.UTF_8).length > MAX_SEGMENT_BYTES) {
				return "path segment longer than " + MAX_SEGMENT_BYTES + " bytes (the file system's limit for a name)";
			}
		}
		return null;
	}

	/**
	 * Resolves a path that passed {@link #problem} under {@code realRoot} (already a real path) and checks that
	 * no symlink leads outside it. Returns the real path of an existing regular file, or {@code null} when the
	 * file does not exist; throws {@link EscapeException} when it exists outside the root. Nothing is opened.
	 */
	static @Nullable Path resolveFile(Path realRoot, String relative) throws EscapeException {
		Path candidate = realRoot.resolve(relative);
		if (!Files.exists(candidate)) {
			return null;
		}
		Path real;
		try {
			real = candidate.toRealPath();
		}
		catch (IOException ex) {
			return null;
		}
		if (!real.startsWith(realRoot)) {
			throw new EscapeException();
		}
		return Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS) ? real : null;
	}

	/** A path that resolved (through a symlink) to a place outside its root. */
	static final class EscapeException extends Exception {

		EscapeException() {
			super("symlink leads outside the image folder", null, false, false);
		}

	}

}

package dev.vlmr1.studio.dataset.ingest;

import java.nio.file.Path;

/**
 * An image that passed every check.
 *
 * @param sha256 hex SHA-256 of the file's bytes: its identity in the artifact store
 * @param width width in pixels
 * @param height height in pixels
 * @param format {@code png}, {@code jpeg}, {@code gif}, {@code bmp} or {@code webp}
 * @param sizeBytes file size
 * @param file where the validated bytes are (upload staging, extracted archive or server folder)
 */
public record ProbedImage(String sha256, int width, int height, String format, long sizeBytes, Path file) {
}

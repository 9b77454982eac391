package dev.vlmr1.studio.dataset.ingest;

import java.nio.file.Path;

import org.jspecify.annotations.Nullable;

/**
 * One jsonl file of an upload and the folder its image paths are relative to.
 *
 * @param name the file name shown in reports
 * @param jsonl the file's bytes on disk (staged upload)
 * @param imageRoot the real path of its image folder (staged files, extracted archive, or an allowed server
 * folder); {@code null} when the file came without images
 * @param imageSource {@code none}, {@code files}, {@code archive} or {@code folder}
 */
public record JsonlInput(String name, Path jsonl, @Nullable Path imageRoot, String imageSource) {
}

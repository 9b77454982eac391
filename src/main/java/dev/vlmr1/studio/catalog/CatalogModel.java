package dev.vlmr1.studio.catalog;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * A registered checkpoint as other modules and the API see it.
 *
 * @param id the model's id (what runs and demos name)
 * @param ownerId the owning user's id
 * @param name a name unique per owner
 * @param path the checkpoint directory, symlinks resolved
 * @param modelType {@code qwen2_vl} or {@code qwen2_5_vl}, from {@code config.json}
 * @param createdAt when it was registered
 * @param sourceRunId the run that produced it, or null for a checkpoint registered by hand
 */
public record CatalogModel(long id, long ownerId, String name, String path, String modelType, Instant createdAt,
		@Nullable Long sourceRunId) {
}

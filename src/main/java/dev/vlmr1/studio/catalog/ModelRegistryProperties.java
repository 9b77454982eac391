package dev.vlmr1.studio.catalog;

import java.nio.file.Path;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where users may register checkpoints by path.
 *
 * @param importRoots server directories from which a user may register a checkpoint by its path (symlinks are
 * resolved before the check); empty (the default) turns registration by path off. None may overlap the data
 * directory ({@code studio.data-dir}): the platform's own checkpoints, tiny models and database live there and reach
 * the catalog only through their run or their creator, for their owner. The application refuses to start otherwise.
 * @param allowedRoots the former name of {@code import-roots}, read as part of it with the same checks
 */
@ConfigurationProperties("studio.models")
record ModelRegistryProperties(@DefaultValue List<Path> importRoots, @DefaultValue List<Path> allowedRoots) {
}

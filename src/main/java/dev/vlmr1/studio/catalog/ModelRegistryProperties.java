package dev.vlmr1.studio.catalog;

import java.nio.file.Path;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where registered checkpoints may live.
 *
 * @param allowedRoots directories under which a checkpoint may be registered (symlinks are resolved before the
 * check); empty means the data directory ({@code studio.data-dir}) only
 */
@ConfigurationProperties("studio.models")
record ModelRegistryProperties(@DefaultValue List<Path> allowedRoots) {
}

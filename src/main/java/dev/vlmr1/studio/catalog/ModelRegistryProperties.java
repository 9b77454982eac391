package dev.vlmr1.studio.catalog;

import java.nio.file.Path;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Where users may register checkpoints by path, and how adapters are merged into full checkpoints.
 *
 * @param importRoots server directories from which a user may register a checkpoint by its path (symlinks are
 * resolved before the check); empty (the default) turns registration by path off. None may overlap the data
 * directory ({@code studio.data-dir}): the platform's own checkpoints, tiny models and database live there and reach
 * the catalog only through their run or their creator, for their owner. The application refuses to start otherwise.
 * @param allowedRoots the former name of {@code import-roots}, read as part of it with the same checks
 * @param merge the "merge and export" process
 */
@ConfigurationProperties("studio.models")
record ModelRegistryProperties(@DefaultValue List<Path> importRoots, @DefaultValue List<Path> allowedRoots,
		@DefaultValue Merge merge) {

	/**
	 * @param heap the merge process's Java heap ({@code -Xmx}); the weights live outside it
	 * @param nativeMemory the most native (direct) memory the merge process may hold: the base's weights in FP32 plus
	 * one merged tensor (about 4 bytes per parameter; 14 GB for a 3B model)
	 * @param diskReserve free space a merge must leave on the data directory's disk; a merge whose output would not
	 * fit with it is refused before it starts (507)
	 */
	record Merge(@DefaultValue("1g") String heap, @DefaultValue("64GB") DataSize nativeMemory,
			@DefaultValue("1GB") DataSize diskReserve) {
	}

}

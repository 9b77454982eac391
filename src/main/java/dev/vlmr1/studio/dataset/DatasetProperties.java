package dev.vlmr1.studio.dataset;

import java.nio.file.Path;
import java.util.List;

import dev.vlmr1.studio.dataset.ingest.IngestLimits;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Dataset settings ({@code studio.datasets.*}).
 *
 * @param allowedRoots server folders under which {@code folder} uploads may read images; empty = none
 * @param maxPixels largest width·height of an image (PIL's default)
 * @param maxLineBytes longest jsonl line
 * @param maxLines most lines per jsonl file
 * @param maxImageBytes largest image file
 * @param maxArchiveEntries most entries per archive, checked before anything is extracted
 * @param maxArchiveBytes most bytes extracted from one archive as a whole
 * @param maxCompressionRatio largest expansion ratio of an archive as a whole and of each of its entries
 * @param reportCap most issues kept in a stored report or a problem response
 */
@ConfigurationProperties("studio.datasets")
record DatasetProperties(@DefaultValue List<Path> allowedRoots, @DefaultValue("178956970") long maxPixels,
		@DefaultValue("1048576") int maxLineBytes, @DefaultValue("2000000") int maxLines,
		@DefaultValue("67108864") long maxImageBytes, @DefaultValue("50000") int maxArchiveEntries,
		@DefaultValue("8589934592") long maxArchiveBytes, @DefaultValue("200") int maxCompressionRatio,
		@DefaultValue("10000") int reportCap) {

	IngestLimits limits() {
		IngestLimits d = IngestLimits.defaults();
		return new IngestLimits(maxLineBytes, maxLines, d.maxNestingDepth(), d.maxNumberLength(), d.maxPathLength(),
				maxPixels, d.minSide(), maxImageBytes, maxArchiveEntries, maxArchiveBytes, maxCompressionRatio);
	}

}

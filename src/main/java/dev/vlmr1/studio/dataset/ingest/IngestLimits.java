package dev.vlmr1.studio.dataset.ingest;

/**
 * Limits applied while validating an upload; every one is configurable under {@code studio.datasets.*}.
 *
 * @param maxLineBytes longest jsonl line (bytes, without the line break)
 * @param maxLines most physical lines per jsonl file
 * @param maxNestingDepth deepest JSON nesting of a line
 * @param maxNumberLength longest JSON number literal (digits)
 * @param maxPathLength longest image path in a row
 * @param maxPixels largest width·height of an image, read from its header before decoding (PIL's default)
 * @param minSide smallest width or height of an image (Qwen-VL's patch 14 · merge 2)
 * @param maxImageBytes largest image file
 * @param maxArchiveEntries most entries in one archive, checked before anything is extracted
 * @param maxArchiveBytes most bytes extracted from one archive as a whole, declared and actually written
 * @param maxCompressionRatio largest extracted/compressed ratio, above 1 MiB: of the whole archive (bytes written
 * over the archive's size) and of each zip entry or gzip stream
 */
public record IngestLimits(int maxLineBytes, int maxLines, int maxNestingDepth, int maxNumberLength,
		int maxPathLength, long maxPixels, int minSide, long maxImageBytes, int maxArchiveEntries,
		long maxArchiveBytes, int maxCompressionRatio) {

	public static IngestLimits defaults() {
		return new IngestLimits(1 << 20, 2_000_000, 64, 100, 1024, 178_956_970L, 28, 64L << 20, 50_000, 8L << 30,
				200);
	}

}

package dev.vlmr1.studio.dataset.ingest;

import java.nio.file.Path;

import org.jspecify.annotations.Nullable;

/** Public entry to {@link ArchiveExtractor} for the Spring side. */
public final class ArchiveImport {

	private ArchiveImport() {
	}

	/** Extracts {@code archive} into the empty folder {@code target}; returns the problem that stopped it, if any. */
	public static @Nullable Issue extract(Path archive, Path target, IngestLimits limits, String part) {
		try {
			new ArchiveExtractor(limits, part).extract(archive, target);
			return null;
		}
		catch (ArchiveExtractor.ArchiveException ex) {
			return ex.issue();
		}
	}

}

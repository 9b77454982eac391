package dev.vlmr1.studio.dataset.ingest;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Enumeration;
import java.util.function.LongSupplier;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.apache.commons.compress.utils.InputStreamStatistics;
import org.apache.commons.io.input.BoundedInputStream;
import org.jspecify.annotations.Nullable;

/**
 * Extracts a zip, tar or tar.gz archive of images into an empty staging folder, refusing everything unsafe
 * (T3.3, T3.4): entry names that are not {@link SafePaths safe relative paths} ({@code ../x}, {@code /tmp/x},
 * {@code C:\x}, {@code a\..\x}, NUL), symlink, hard-link and device entries (no link is ever created), more
 * than {@code maxArchiveEntries} entries, more than {@code maxArchiveBytes} bytes counted on the bytes
 * actually written (a header that lies about sizes gains nothing), and entries whose expansion ratio is
 * above {@code maxCompressionRatio}. Nested archives are written as plain files and never expanded (they then
 * fail the image check if a row references them).
 */
final class ArchiveExtractor {

	private static final long RATIO_FLOOR = 1 << 20;

	private final IngestLimits limits;

	private final String part;

	private long written;

	private int entries;

	ArchiveExtractor(IngestLimits limits, String part) {
		this.limits = limits;
		this.part = part;
	}

	/** Extracts {@code archive} into {@code target}; the first problem stops extraction and is thrown. */
	void extract(Path archive, Path target) throws ArchiveException {
		try {
			byte[] head = new byte[512];
			int n;
			try (InputStream in = Files.newInputStream(archive)) {
				n = in.readNBytes(head, 0, head.length);
			}
			if (n >= 4 && head[0] == 'P' && head[1] == 'K') {
				extractZip(archive, target);
			}
			else if (n >= 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b) {
				BoundedInputStream counted = BoundedInputStream.builder()
					.setInputStream(new BufferedInputStream(Files.newInputStream(archive)))
					.get();
				try (InputStream in = new GzipCompressorInputStream(counted)) {
					extractTar(in, target, counted::getCount);
				}
			}
			else if (n >= 262 && new String(head, 257, 5, java.nio.charset.StandardCharsets.US_ASCII).equals("ustar")) {
				try (InputStream in = new BufferedInputStream(Files.newInputStream(archive))) {
					extractTar(in, target, null);
				}
			}
			else {
				throw fail(IssueCode.ARCHIVE_CORRUPT, "", "not a zip, tar or tar.gz archive");
			}
		}
		catch (IOException | RuntimeException ex) {
			throw fail(IssueCode.ARCHIVE_CORRUPT, "", "cannot read archive: " + ex.getMessage());
		}
	}

	private void extractZip(Path archive, Path target) throws IOException, ArchiveException {
		try (ZipFile zip = ZipFile.builder().setPath(archive).get()) {
			Enumeration<ZipArchiveEntry> all = zip.getEntries();
			while (all.hasMoreElements()) {
				ZipArchiveEntry entry = all.nextElement();
				String name = checkEntry(entry.getName(), entry.isUnixSymlink(), entry.isDirectory());
				if (entry.isDirectory()) {
					continue;
				}
				try (InputStream in = zip.getInputStream(entry)) {
					// compressed bytes consumed so far, so a bomb is caught after about RATIO_FLOOR bytes
					LongSupplier consumed = in instanceof InputStreamStatistics stats ? stats::getCompressedCount
							: entry::getCompressedSize;
					copy(in, target, name, consumed, false);
				}
			}
		}
	}

	private void extractTar(InputStream raw, Path target, @Nullable LongSupplier consumed) throws IOException, ArchiveException {
		TarArchiveInputStream tar = new TarArchiveInputStream(raw);
		TarArchiveEntry entry;
		while ((entry = tar.getNextEntry()) != null) {
			boolean link = entry.isSymbolicLink() || entry.isLink() || !(entry.isFile() || entry.isDirectory());
			String name = checkEntry(entry.getName(), link, entry.isDirectory());
			if (entry.isDirectory()) {
				continue;
			}
			// gzip: the ratio is judged on the whole stream (bytes out so far / bytes in so far), since tar
			// entries have no compressed size of their own; a plain tar has no ratio to judge
			copy(tar, target, name, consumed, true);
		}
	}

	private String checkEntry(String rawName, boolean link, boolean directory) throws ArchiveException {
		if (++entries > limits.maxArchiveEntries()) {
			throw fail(IssueCode.ARCHIVE_TOO_MANY_ENTRIES, "", "more than " + limits.maxArchiveEntries() + " entries");
		}
		String name = directory && rawName.endsWith("/") ? rawName.substring(0, rawName.length() - 1) : rawName;
		String problem = SafePaths.problem(name, limits.maxPathLength());
		if (problem != null) {
			throw fail(IssueCode.ARCHIVE_UNSAFE_ENTRY, printable(rawName), problem);
		}
		if (link) {
			throw fail(IssueCode.ARCHIVE_UNSAFE_ENTRY, printable(rawName), "links and special files are not allowed");
		}
		return name;
	}

	private void copy(InputStream in, Path target, String name, @Nullable LongSupplier compressed, boolean wholeStream)
			throws IOException, ArchiveException {
		Path file = target.resolve(name).normalize();
		if (!file.startsWith(target)) {
			throw fail(IssueCode.ARCHIVE_UNSAFE_ENTRY, name, "entry escapes the archive root");
		}
		Files.createDirectories(file.getParent());
		if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
			throw fail(IssueCode.ARCHIVE_UNSAFE_ENTRY, name, "duplicate entry");
		}
		byte[] buffer = new byte[1 << 16];
		long entryBytes = 0;
		// +1 so that reading exactly one byte over the cap is detected without writing it
		long remaining = limits.maxArchiveBytes() - written + 1;
		try (InputStream bounded = BoundedInputStream.builder().setInputStream(in).setMaxCount(remaining).setPropagateClose(false).get();
				OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
			int n;
			while ((n = bounded.read(buffer)) > 0) {
				if (written + n > limits.maxArchiveBytes()) {
					throw fail(IssueCode.ARCHIVE_TOO_LARGE, name,
							"more than " + limits.maxArchiveBytes() + " bytes once extracted");
				}
				out.write(buffer, 0, n);
				written += n;
				entryBytes += n;
				long expanded = wholeStream ? written : entryBytes;
				if (compressed != null && expanded > RATIO_FLOOR
						&& expanded / Math.max(1, compressed.getAsLong()) > limits.maxCompressionRatio()) {
					throw fail(IssueCode.ARCHIVE_RATIO, name,
							"expands more than " + limits.maxCompressionRatio() + " times (decompression bomb)");
				}
			}
		}
	}

	private static String printable(String name) {
		return name.replace("\0", "\\0");
	}

	private ArchiveException fail(IssueCode code, String entry, String message) {
		return new ArchiveException(Issue.of(part, 0, entry, code, message));
	}

	/** Extraction stopped; {@link #issue()} says why. */
	static final class ArchiveException extends Exception {

		private final transient Issue issue;

		ArchiveException(Issue issue) {
			super(issue.message(), null, false, false);
			this.issue = issue;
		}

		Issue issue() {
			return issue;
		}

	}

}

package dev.vlmr1.studio.dataset.ingest;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.stream.Stream;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.archivers.zip.UnixStat;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.apache.commons.compress.utils.InputStreamStatistics;
import org.apache.commons.io.input.BoundedInputStream;
import org.jspecify.annotations.Nullable;

/**
 * Extracts a zip, tar or tar.gz archive of images into an empty staging folder, refusing everything unsafe
 * (T3.3, T3.4, issue 11 class 5). Every entry is checked before anything is written: entry names must be
 * {@link SafePaths safe relative paths} ({@code ../x}, {@code /tmp/x}, {@code C:\x}, {@code a\..\x}, NUL) and
 * unique; only regular files and directories are allowed (no symlink, hard link, device, FIFO or sparse entry; no
 * link is ever created); at most {@code maxArchiveEntries} entries; the sizes the archive declares must fit the
 * bounds below. Then, while writing, the bytes actually written (a header that lies about sizes gains nothing) are
 * bounded as a whole by {@code maxArchiveBytes} and by {@code maxCompressionRatio} times the archive's size, and
 * each zip entry (or the gzip stream) by the same ratio over its compressed bytes. The first problem stops
 * extraction and everything written so far is removed. Nested archives are written as plain files and never
 * expanded (they then fail the image check if a row references them).
 */
final class ArchiveExtractor {

	/** Expansion up to this many bytes is never judged by its ratio: a tiny archive of tiny files is fine. */
	private static final long RATIO_FLOOR = 1 << 20;

	private final IngestLimits limits;

	private final String part;

	private long written;

	/** Most bytes the whole archive may expand to by its ratio: {@code maxCompressionRatio} · its size. */
	private long ratioBudget;

	ArchiveExtractor(IngestLimits limits, String part) {
		this.limits = limits;
		this.part = part;
	}

	/**
	 * Extracts {@code archive} into the empty folder {@code target}; the first problem stops extraction, leaves
	 * {@code target} empty again and is thrown.
	 */
	void extract(Path archive, Path target) throws ArchiveException {
		try {
			extractChecked(archive, target);
		}
		catch (ArchiveException ex) {
			removeContents(target);
			throw ex;
		}
	}

	private void extractChecked(Path archive, Path target) throws ArchiveException {
		try {
			byte[] head = new byte[512];
			int n;
			try (InputStream in = Files.newInputStream(archive)) {
				n = in.readNBytes(head, 0, head.length);
			}
			long size = Files.size(archive);
			ratioBudget = Math.max(RATIO_FLOOR, saturatedProduct(size, limits.maxCompressionRatio()));
			if (n >= 4 && head[0] == 'P' && head[1] == 'K') {
				extractZip(archive, target);
			}
			else if (n >= 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b) {
				checkTar(gunzip(archive).in());
				Gunzip gz = gunzip(archive);
				try (InputStream in = gz.in()) {
					extractTar(in, target, gz.consumed());
				}
			}
			else if (n >= 262 && new String(head, 257, 5, StandardCharsets.US_ASCII).equals("ustar")) {
				try (InputStream in = new BufferedInputStream(Files.newInputStream(archive))) {
					checkTar(in);
				}
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

	private record Gunzip(InputStream in, LongSupplier consumed) {
	}

	private static Gunzip gunzip(Path archive) throws IOException {
		BoundedInputStream counted = BoundedInputStream.builder()
			.setInputStream(new BufferedInputStream(Files.newInputStream(archive)))
			.get();
		return new Gunzip(new GzipCompressorInputStream(counted), counted::getCount);
	}

	private void extractZip(Path archive, Path target) throws IOException, ArchiveException {
		// the end record's count first, before commons-compress builds an object per central-directory entry
		if (ZipEndRecord.declaredEntries(archive) > limits.maxArchiveEntries()) {
			throw tooManyEntries();
		}
		try (ZipFile zip = ZipFile.builder().setPath(archive).get()) {
			// the central directory lists every entry: judge them all before writing the first
			List<ZipArchiveEntry> entries = new ArrayList<>();
			EntryCheck check = new EntryCheck();
			for (ZipArchiveEntry entry : (Iterable<ZipArchiveEntry>) zip.getEntries()::asIterator) {
				check.entry(entry.getName(), zipKind(entry), entry.getSize());
				entries.add(entry);
			}
			for (ZipArchiveEntry entry : entries) {
				if (entry.isDirectory()) {
					continue;
				}
				try (InputStream in = zip.getInputStream(entry)) {
					// compressed bytes consumed so far, so a bomb is caught after about RATIO_FLOOR bytes
					LongSupplier consumed = in instanceof InputStreamStatistics stats ? stats::getCompressedCount
							: entry::getCompressedSize;
					copy(in, target, entry.getName(), consumed, false);
				}
			}
		}
	}

	private static EntryKind zipKind(ZipArchiveEntry entry) {
		if (entry.isUnixSymlink()) {
			return EntryKind.of("a symbolic link");
		}
		int type = entry.getUnixMode() & UnixStat.FILE_TYPE_FLAG;
		if (type != 0 && type != UnixStat.FILE_FLAG && type != UnixStat.DIR_FLAG) {
			return EntryKind.of("a special file (unix mode " + Integer.toOctalString(entry.getUnixMode()) + ")");
		}
		return entry.isDirectory() ? EntryKind.DIRECTORY : EntryKind.FILE;
	}

	/** The first pass over a tar: headers only, so nothing is written for an archive that is then refused. */
	private void checkTar(InputStream raw) throws IOException, ArchiveException {
		try (TarArchiveInputStream tar = new TarArchiveInputStream(raw)) {
			EntryCheck check = new EntryCheck();
			TarArchiveEntry entry;
			// the declared sizes are checked before getNextEntry reads past (and so decompresses) an entry's data
			while ((entry = tar.getNextEntry()) != null) {
				check.entry(entry.getName(), tarKind(entry), entry.getSize());
			}
		}
	}

	private void extractTar(InputStream raw, Path target, @Nullable LongSupplier consumed)
			throws IOException, ArchiveException {
		TarArchiveInputStream tar = new TarArchiveInputStream(raw);
		TarArchiveEntry entry;
		while ((entry = tar.getNextEntry()) != null) {
			if (!tarKind(entry).regularFile()) {
				continue;
			}
			// gzip: the ratio is judged on the whole stream (bytes out so far / bytes in so far), since tar
			// entries have no compressed size of their own; a plain tar has no ratio to judge
			copy(tar, target, entry.getName(), consumed, true);
		}
	}

	/**
	 * What a tar entry is, by its type flag alone: commons-compress calls any entry a file whose name lacks a
	 * trailing slash, FIFOs and devices included.
	 */
	private static EntryKind tarKind(TarArchiveEntry entry) {
		byte flag = entry.getLinkFlag();
		boolean plain = flag == TarConstants.LF_NORMAL || flag == TarConstants.LF_OLDNORM
				|| flag == TarConstants.LF_CONTIG;
		if (flag == TarConstants.LF_DIR || (plain && entry.getName().endsWith("/"))) {
			return EntryKind.DIRECTORY;
		}
		if (plain) {
			return EntryKind.FILE;
		}
		String what = switch (flag) {
			case TarConstants.LF_SYMLINK -> "a symbolic link";
			case TarConstants.LF_LINK -> "a hard link";
			case TarConstants.LF_CHR -> "a character device";
			case TarConstants.LF_BLK -> "a block device";
			case TarConstants.LF_FIFO -> "a FIFO";
			case TarConstants.LF_GNUTYPE_SPARSE -> "a sparse file";
			default -> "an entry of type '" + (char) flag + "'";
		};
		return EntryKind.of(what);
	}

	/** A regular file, a directory, or something refused, with what it is. */
	private record EntryKind(boolean directory, @Nullable String refused) {

		static final EntryKind FILE = new EntryKind(false, null);

		static final EntryKind DIRECTORY = new EntryKind(true, null);

		static EntryKind of(String what) {
			return new EntryKind(false, what);
		}

		boolean regularFile() {
			return !directory && refused == null;
		}

	}

	/** The checks every entry passes before anything is written. */
	private final class EntryCheck {

		private final Set<String> names = new HashSet<>();

		private int count;

		private long declaredBytes;

		void entry(String rawName, EntryKind kind, long declaredSize) throws ArchiveException {
			if (++count > limits.maxArchiveEntries()) {
				throw tooManyEntries();
			}
			boolean directory = kind.directory();
			String name = directory && rawName.endsWith("/") ? rawName.substring(0, rawName.length() - 1) : rawName;
			String problem = SafePaths.problem(name, limits.maxPathLength());
			if (problem != null) {
				throw fail(IssueCode.ARCHIVE_UNSAFE_ENTRY, printable(rawName), problem);
			}
			if (kind.refused() != null) {
				throw fail(IssueCode.ARCHIVE_UNSAFE_ENTRY, printable(rawName),
						kind.refused() + ": only regular files and directories are allowed");
			}
			if (!directory && !names.add(name)) {
				throw fail(IssueCode.ARCHIVE_UNSAFE_ENTRY, printable(rawName), "duplicate entry");
			}
			if (!directory && declaredSize > 0) {
				declaredBytes = saturatedSum(declaredBytes, declaredSize);
				checkTotal(declaredBytes, printable(rawName));
			}
		}

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
		long remaining = Math.min(limits.maxArchiveBytes(), ratioBudget) - written + 1;
		try (InputStream bounded = BoundedInputStream.builder().setInputStream(in).setMaxCount(remaining).setPropagateClose(false).get();
				OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
			int n;
			while ((n = bounded.read(buffer)) > 0) {
				checkTotal(written + n, name);
				out.write(buffer, 0, n);
				written += n;
				entryBytes += n;
				long expanded = wholeStream ? written : entryBytes;
				if (compressed != null && expanded > RATIO_FLOOR
						&& expanded / Math.max(1, compressed.getAsLong()) > limits.maxCompressionRatio()) {
					throw ratio(name);
				}
			}
		}
	}

	private ArchiveException tooManyEntries() {
		return fail(IssueCode.ARCHIVE_TOO_MANY_ENTRIES, "", "more than " + limits.maxArchiveEntries()
				+ " entries (studio.datasets.max-archive-entries)");
	}

	/** The whole archive expanding to {@code total} bytes stays within both bounds. */
	private void checkTotal(long total, String entry) throws ArchiveException {
		// the ratio first: a bomb is better named as one than as a merely large archive
		if (total > ratioBudget) {
			throw ratio(entry);
		}
		if (total > limits.maxArchiveBytes()) {
			throw fail(IssueCode.ARCHIVE_TOO_LARGE, entry, "the archive expands to more than " + limits.maxArchiveBytes()
					+ " bytes (studio.datasets.max-archive-bytes)");
		}
	}

	private ArchiveException ratio(String entry) {
		return fail(IssueCode.ARCHIVE_RATIO, entry, "expands more than " + limits.maxCompressionRatio()
				+ " times (studio.datasets.max-compression-ratio; a decompression bomb)");
	}

	/** Deletes everything under {@code target}, deepest first, keeping {@code target} itself. */
	private static void removeContents(Path target) {
		try (Stream<Path> all = Files.walk(target)) {
			for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
				if (!p.equals(target)) {
					Files.deleteIfExists(p);
				}
			}
		}
		catch (IOException ex) {
			// the caller's staging folder is deleted as a whole afterwards; nothing here can be left for good
		}
	}

	private static long saturatedProduct(long a, long b) {
		try {
			return Math.multiplyExact(a, b);
		}
		catch (ArithmeticException ex) {
			return Long.MAX_VALUE;
		}
	}

	private static long saturatedSum(long a, long b) {
		try {
			return Math.addExact(a, b);
		}
		catch (ArithmeticException ex) {
			return Long.MAX_VALUE;
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

package dev.vlmr1.studio.dataset.ingest;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.archivers.zip.UnixStat;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.vlmr1.studio.Slow;

import static org.assertj.core.api.Assertions.assertThat;

/** Zip slip (T3.3) and decompression bombs (T3.4) against the extractor, no Spring needed. */
@Slow
class ArchiveExtractorTests {

	private static final long CAP = 8L << 20;

	private static final IngestLimits LIMITS = new IngestLimits(1 << 20, 1000, 64, 100, 1024, 178_956_970L, 28,
			64L << 20, 1000, CAP, 200);

	@TempDir
	Path tmp;

	private Issue extract(byte[] archive) throws IOException {
		return extract(archive, LIMITS);
	}

	/** Extracts into a fresh folder; a refused archive must leave that folder empty. */
	private Issue extract(byte[] archive, IngestLimits limits) throws IOException {
		Path file = tmp.resolve("upload-" + UUID.randomUUID());
		Files.write(file, archive);
		Path target = Files.createDirectories(tmp.resolve("root-" + UUID.randomUUID()).resolve("target"));
		Issue issue = ArchiveImport.extract(file, target, limits, "archive[0]");
		if (issue != null) {
			try (Stream<Path> left = Files.list(target)) {
				assertThat(left).as("a refused archive leaves nothing behind (" + issue.message() + ")").isEmpty();
			}
		}
		try (Stream<Path> all = Files.walk(tmp)) {
			assertThat(all.filter(Files::isSymbolicLink)).as("no symlink is ever created").isEmpty();
		}
		try (Stream<Path> siblings = Files.list(target.getParent())) {
			assertThat(siblings).as("nothing beside the target").containsExactly(target);
		}
		return issue;
	}

	@Test
	void zipSlipNamesAreRefused() throws IOException {
		String unique = "slip-" + UUID.randomUUID();
		for (String name : List.of("../../" + unique, "/tmp/" + unique, "C:\\" + unique, "a/../../" + unique,
				"a\\..\\..\\" + unique, unique + "\0.jpg")) {
			Issue issue = extract(zip(name, "pwned".getBytes(StandardCharsets.UTF_8)));
			assertThat(issue).as(name).isNotNull();
			assertThat(issue.code()).isEqualTo("archive_unsafe_entry");
			assertThat(issue.line()).isZero();
			if (name.contains("\0")) {
				// a tar header name is NUL-terminated by the format: "x\0.jpg" reads back as the harmless "x"
				continue;
			}
			Issue tarIssue = extract(tar(name, null));
			assertThat(tarIssue).as("tar " + name).isNotNull();
			assertThat(tarIssue.code()).as("tar " + name).isEqualTo("archive_unsafe_entry");
		}
		assertThat(Path.of("/tmp", unique)).doesNotExist();
		assertThat(tmp.getParent().resolve(unique)).doesNotExist();
	}

	@Test
	void symlinkEntriesAreRefusedInZipAndTar() throws IOException {
		var out = new ByteArrayOutputStream();
		try (ZipArchiveOutputStream zip = new ZipArchiveOutputStream(out)) {
			ZipArchiveEntry link = new ZipArchiveEntry("passwd.png");
			link.setUnixMode(UnixStat.LINK_FLAG | 0777);
			zip.putArchiveEntry(link);
			zip.write("/etc/passwd".getBytes(StandardCharsets.UTF_8));
			zip.closeArchiveEntry();
		}
		assertThat(extract(out.toByteArray()).code()).isEqualTo("archive_unsafe_entry");
		assertThat(extract(tar("passwd.png", "/etc/passwd")).code()).isEqualTo("archive_unsafe_entry");
		// a directory symlink followed by a file "inside" it
		var both = new ByteArrayOutputStream();
		try (TarArchiveOutputStream tar = new TarArchiveOutputStream(both)) {
			TarArchiveEntry dir = new TarArchiveEntry("d", TarConstants.LF_SYMLINK);
			dir.setLinkName("/tmp");
			tar.putArchiveEntry(dir);
			tar.closeArchiveEntry();
			TarArchiveEntry inside = new TarArchiveEntry("d/x.png");
			inside.setSize(3);
			tar.putArchiveEntry(inside);
			tar.write(new byte[3]);
			tar.closeArchiveEntry();
		}
		Issue issue = extract(both.toByteArray());
		assertThat(issue.code()).isEqualTo("archive_unsafe_entry");
		assertThat(issue.field()).isEqualTo("d");
	}

	@Test
	void highlyCompressedEntryStopsAtTheRatioLimit() throws IOException {
		var out = new ByteArrayOutputStream();
		try (ZipOutputStream zip = new ZipOutputStream(out)) {
			zip.putNextEntry(new ZipEntry("zeros.png"));
			byte[] zeros = new byte[1 << 20];
			for (int i = 0; i < 256; i++) {
				zip.write(zeros); // 256 MiB of zeros, about 256 KiB compressed
			}
			zip.closeEntry();
		}
		Issue issue = extract(out.toByteArray());
		assertThat(issue.code()).isEqualTo("archive_ratio");
		assertThat(writtenBytes()).isLessThanOrEqualTo(CAP + (1 << 16));
	}

	@Test
	void bytesAreCountedAsWrittenEvenWhenTheHeaderLies() throws IOException {
		byte[] random = new byte[9 << 20];
		new Random(1).nextBytes(random);
		byte[] archive = zip("noise.png", random);
		// rewrite the central directory's uncompressed size to 100 bytes
		ByteBuffer b = ByteBuffer.wrap(archive).order(ByteOrder.LITTLE_ENDIAN);
		for (int i = archive.length - 22; i >= 0; i--) {
			if (b.getInt(i) == 0x02014b50) {
				b.putInt(i + 24, 100);
				break;
			}
		}
		Issue issue = extract(archive);
		assertThat(issue.code()).isIn("archive_too_large", "archive_corrupt");
		assertThat(writtenBytes()).isLessThanOrEqualTo(CAP);
		// a tar whose entries add up to more than the cap
		Issue tarIssue = extract(tar("noise.png", null, random));
		assertThat(tarIssue.code()).isEqualTo("archive_too_large");
	}

	@Test
	void entryCountLimitFiresAndNestedArchivesStayUnexpanded() throws IOException {
		var out = new ByteArrayOutputStream();
		try (ZipOutputStream zip = new ZipOutputStream(out)) {
			for (int i = 0; i < 100_000; i++) {
				zip.putNextEntry(new ZipEntry("e" + i));
				zip.closeEntry();
			}
		}
		assertThat(extract(out.toByteArray()).code()).isEqualTo("archive_too_many_entries");
		byte[] inner = zip("inner.png", new byte[10]);
		Path file = tmp.resolve("nested.zip");
		Files.write(file, zip("inner.zip", inner));
		Path target = Files.createDirectories(tmp.resolve("nested"));
		assertThat(ArchiveImport.extract(file, target, LIMITS, "archive[0]")).isNull();
		try (Stream<Path> files = Files.walk(target)) {
			assertThat(files.filter(Files::isRegularFile)).containsExactly(target.resolve("inner.zip"));
		}
	}

	@Test
	void manySmallEntriesOfZerosStopAtTheOverallRatioBeforeAnythingIsWritten() throws IOException {
		// issue 11: 1,100 entries of 1 MiB of zeros each passed, as only entries over 1 MiB had their ratio judged
		IngestLimits roomy = new IngestLimits(1 << 20, 1000, 64, 100, 1024, 178_956_970L, 28, 64L << 20, 50_000,
				8L << 30, 200);
		byte[] zeros = new byte[1 << 20];
		var out = new ByteArrayOutputStream();
		try (ZipOutputStream zip = new ZipOutputStream(out)) {
			for (int i = 0; i < 300; i++) {
				zip.putNextEntry(new ZipEntry("zeros" + i + ".png"));
				zip.write(zeros);
				zip.closeEntry();
			}
		}
		byte[] archive = out.toByteArray();
		Issue issue = extract(archive, roomy);
		assertThat(issue).isNotNull();
		assertThat(issue.code()).isEqualTo("archive_ratio");
		assertThat(issue.message()).contains("200").contains("studio.datasets.max-compression-ratio");
		// the same archive with every declared size rewritten to 100 bytes: caught while writing, then cleaned up
		ByteBuffer b = ByteBuffer.wrap(archive).order(ByteOrder.LITTLE_ENDIAN);
		for (int i = 0; i + 28 < archive.length; i++) {
			if (b.getInt(i) == 0x02014b50) {
				b.putInt(i + 24, 100);
			}
		}
		Issue lying = extract(archive, roomy);
		assertThat(lying).isNotNull();
		assertThat(lying.code()).isIn("archive_ratio", "archive_corrupt");
		// and as a tar.gz, whose entries have no compressed size of their own
		Issue tarGz = extract(gzip(tarOf(300, zeros)), roomy);
		assertThat(tarGz).isNotNull();
		assertThat(tarGz.code()).isEqualTo("archive_ratio");
	}

	@Test
	void theWholeArchiveIsBoundedByTheTotalBytesSetting() throws IOException {
		byte[] random = new byte[3 << 20];
		new Random(2).nextBytes(random);
		// three entries of 3 MiB of noise: each alone fits the 8 MiB cap, together they do not
		var out = new ByteArrayOutputStream();
		try (ZipOutputStream zip = new ZipOutputStream(out)) {
			for (int i = 0; i < 3; i++) {
				zip.putNextEntry(new ZipEntry("noise" + i + ".png"));
				zip.write(random);
				zip.closeEntry();
			}
		}
		Issue issue = extract(out.toByteArray());
		assertThat(issue.code()).isEqualTo("archive_too_large");
		assertThat(issue.message()).contains(Long.toString(CAP)).contains("studio.datasets.max-archive-bytes");
	}

	@Test
	void entryCountIsCheckedBeforeTheFirstFileIsWritten() throws IOException {
		byte[] small = "x".getBytes(StandardCharsets.UTF_8);
		var out = new ByteArrayOutputStream();
		try (ZipOutputStream zip = new ZipOutputStream(out)) {
			for (int i = 0; i < 1001; i++) {
				zip.putNextEntry(new ZipEntry("e" + i + ".png"));
				zip.write(small);
				zip.closeEntry();
			}
		}
		Issue issue = extract(out.toByteArray());
		assertThat(issue.code()).isEqualTo("archive_too_many_entries");
		assertThat(issue.message()).contains("1000").contains("studio.datasets.max-archive-entries");
		Issue tarIssue = extract(tarOf(1001, small));
		assertThat(tarIssue.code()).isEqualTo("archive_too_many_entries");
	}

	@Test
	void tarDevicesFifosAndOtherSpecialEntriesAreRefused() throws IOException {
		for (byte type : List.of(TarConstants.LF_FIFO, TarConstants.LF_CHR, TarConstants.LF_BLK,
				TarConstants.LF_LINK, (byte) 'Z')) {
			var out = new ByteArrayOutputStream();
			try (TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
				// a good file first: nothing of it may stay once the special entry is found
				TarArchiveEntry good = new TarArchiveEntry("good.png");
				good.setSize(3);
				tar.putArchiveEntry(good);
				tar.write(new byte[3]);
				tar.closeArchiveEntry();
				TarArchiveEntry special = new TarArchiveEntry("special.png", type);
				if (type == TarConstants.LF_LINK) {
					special.setLinkName("good.png");
				}
				tar.putArchiveEntry(special);
				tar.closeArchiveEntry();
			}
			Issue issue = extract(out.toByteArray());
			assertThat(issue).as("type " + (char) type).isNotNull();
			assertThat(issue.code()).as(issue.message()).isEqualTo("archive_unsafe_entry");
			assertThat(issue.field()).isEqualTo("special.png");
			assertThat(issue.message()).contains("only regular files and directories");
		}
		var out = new ByteArrayOutputStream();
		try (ZipArchiveOutputStream zip = new ZipArchiveOutputStream(out)) {
			ZipArchiveEntry fifo = new ZipArchiveEntry("fifo.png");
			fifo.setUnixMode(0010644);
			zip.putArchiveEntry(fifo);
			zip.closeArchiveEntry();
		}
		assertThat(extract(out.toByteArray()).code()).isEqualTo("archive_unsafe_entry");
	}

	@Test
	void ordinaryArchivesStillExtract() throws IOException {
		byte[] random = new byte[2 << 20];
		new Random(3).nextBytes(random);
		var out = new ByteArrayOutputStream();
		try (TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
			tar.putArchiveEntry(new TarArchiveEntry("imgs/"));
			tar.closeArchiveEntry();
			for (String name : List.of("imgs/a.png", "imgs/b.png")) {
				TarArchiveEntry e = new TarArchiveEntry(name);
				e.setSize(random.length);
				tar.putArchiveEntry(e);
				tar.write(random);
				tar.closeArchiveEntry();
			}
		}
		for (byte[] archive : List.of(out.toByteArray(), gzip(out.toByteArray()))) {
			Path file = tmp.resolve("ok-" + UUID.randomUUID());
			Files.write(file, archive);
			Path target = Files.createDirectories(tmp.resolve("ok-target-" + UUID.randomUUID()));
			assertThat(ArchiveImport.extract(file, target, LIMITS, "archive[0]")).isNull();
			assertThat(target.resolve("imgs/a.png")).hasBinaryContent(random);
			assertThat(target.resolve("imgs/b.png")).hasBinaryContent(random);
		}
	}

	private static byte[] tarOf(int entries, byte[] content) throws IOException {
		var out = new ByteArrayOutputStream();
		try (TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
			for (int i = 0; i < entries; i++) {
				TarArchiveEntry e = new TarArchiveEntry("e" + i + ".png");
				e.setSize(content.length);
				tar.putArchiveEntry(e);
				tar.write(content);
				tar.closeArchiveEntry();
			}
		}
		return out.toByteArray();
	}

	private static byte[] gzip(byte[] data) throws IOException {
		var out = new ByteArrayOutputStream();
		try (var gz = new java.util.zip.GZIPOutputStream(out)) {
			gz.write(data);
		}
		return out.toByteArray();
	}

	private long writtenBytes() throws IOException {
		try (Stream<Path> files = Files.walk(tmp)) {
			return files.filter((p) -> Files.isRegularFile(p) && p.getParent().getFileName().toString().equals("target"))
				.mapToLong((p) -> p.toFile().length())
				.sum();
		}
	}

	private static byte[] zip(String name, byte[] content) throws IOException {
		var out = new ByteArrayOutputStream();
		try (ZipArchiveOutputStream zip = new ZipArchiveOutputStream(out)) {
			zip.putArchiveEntry(new ZipArchiveEntry(name));
			zip.write(content);
			zip.closeArchiveEntry();
		}
		return out.toByteArray();
	}

	private static byte[] tar(String name, String linkTarget) throws IOException {
		return tar(name, linkTarget, "pwned".getBytes(StandardCharsets.UTF_8));
	}

	private static byte[] tar(String name, String linkTarget, byte[] content) throws IOException {
		var out = new ByteArrayOutputStream();
		try (TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
			tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
			if (linkTarget != null) {
				TarArchiveEntry link = new TarArchiveEntry(name, TarConstants.LF_SYMLINK);
				link.setLinkName(linkTarget);
				tar.putArchiveEntry(link);
			}
			else {
				TarArchiveEntry entry = new TarArchiveEntry(name, true);
				entry.setSize(content.length);
				tar.putArchiveEntry(entry);
				tar.write(content);
			}
			tar.closeArchiveEntry();
		}
		return out.toByteArray();
	}

}

package dev.vlmr1.studio.dataset.ingest;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.vlmr1.studio.Slow;

import static org.assertj.core.api.Assertions.assertThat;

/** The entry count is read from a zip's tail before its central directory is parsed into objects. */
@Slow
class ZipEndRecordTests {

	@TempDir
	Path tmp;

	@Test
	void readsTheCountOfPlainAndZip64Archives() throws IOException {
		assertThat(ZipEndRecord.declaredEntries(zipOf(1001, "a comment"))).isEqualTo(1001);
		// more than 65,535 entries: the count lives in the zip64 end record
		assertThat(ZipEndRecord.declaredEntries(zipOf(70_000, null))).isEqualTo(70_000);
	}

	@Test
	void aFileWithoutAnEndRecordDeclaresNothing() throws IOException {
		Path junk = tmp.resolve("junk.zip");
		Files.write(junk, "PK not really".getBytes());
		assertThat(ZipEndRecord.declaredEntries(junk)).isZero();
	}

	private Path zipOf(int entries, String comment) throws IOException {
		Path file = tmp.resolve("z" + entries + ".zip");
		try (OutputStream out = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(out)) {
			for (int i = 0; i < entries; i++) {
				zip.putNextEntry(new ZipEntry("e" + i));
				zip.closeEntry();
			}
			if (comment != null) {
				zip.setComment(comment);
			}
		}
		return file;
	}

}

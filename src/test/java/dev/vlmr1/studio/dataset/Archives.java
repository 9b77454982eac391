package dev.vlmr1.studio.dataset;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

/** Builds zip and tar(.gz) archives in memory for tests. */
final class Archives {

	private Archives() {
	}

	static byte[] zip(Map<String, byte[]> entries) {
		var out = new ByteArrayOutputStream();
		try (ZipOutputStream zip = new ZipOutputStream(out)) {
			for (var entry : entries.entrySet()) {
				zip.putNextEntry(new ZipEntry(entry.getKey()));
				zip.write(entry.getValue());
				zip.closeEntry();
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return out.toByteArray();
	}

	static byte[] tar(Map<String, byte[]> entries, boolean gzip) {
		var out = new ByteArrayOutputStream();
		try (OutputStream sink = gzip ? new GzipCompressorOutputStream(out) : out;
				TarArchiveOutputStream tar = new TarArchiveOutputStream(sink)) {
			tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
			for (var entry : entries.entrySet()) {
				TarArchiveEntry e = new TarArchiveEntry(entry.getKey());
				e.setSize(entry.getValue().length);
				tar.putArchiveEntry(e);
				tar.write(entry.getValue());
				tar.closeArchiveEntry();
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return out.toByteArray();
	}

}

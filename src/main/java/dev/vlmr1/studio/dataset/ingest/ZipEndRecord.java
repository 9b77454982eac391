package dev.vlmr1.studio.dataset.ingest;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The entry count a zip declares in its end-of-central-directory record (or the zip64 one it points to), read from
 * the file's tail alone. A lying count gains nothing: every entry is still counted as it is listed.
 */
final class ZipEndRecord {

	private static final int END_SIGNATURE = 0x06054b50;

	private static final int ZIP64_LOCATOR_SIGNATURE = 0x07064b50;

	private static final int ZIP64_END_SIGNATURE = 0x06064b50;

	/** The end record's fixed part plus the longest comment a zip may carry. */
	private static final int MAX_TAIL = 22 + 0xFFFF;

	private ZipEndRecord() {
	}

	/** The declared number of entries, or 0 when no end record is found (the zip reader then reports it). */
	static long declaredEntries(Path zip) throws IOException {
		try (FileChannel channel = FileChannel.open(zip, StandardOpenOption.READ)) {
			long size = channel.size();
			int tailLength = (int) Math.min(size, MAX_TAIL);
			ByteBuffer tail = read(channel, size - tailLength, tailLength);
			for (int i = tailLength - 22; i >= 0; i--) {
				if (tail.getInt(i) != END_SIGNATURE) {
					continue;
				}
				long entries = tail.getShort(i + 10) & 0xFFFF;
				long locator = size - tailLength + i - 20;
				if (entries == 0xFFFF && locator >= 0) {
					ByteBuffer loc = read(channel, locator, 20);
					if (loc.getInt(0) == ZIP64_LOCATOR_SIGNATURE) {
						long end64 = loc.getLong(8);
						if (end64 >= 0 && end64 + 56 <= size) {
							ByteBuffer rec = read(channel, end64, 56);
							if (rec.getInt(0) == ZIP64_END_SIGNATURE) {
								entries = rec.getLong(32) < 0 ? Long.MAX_VALUE : rec.getLong(32);
							}
						}
					}
				}
				return entries;
			}
			return 0;
		}
	}

	private static ByteBuffer read(FileChannel channel, long position, int length) throws IOException {
		ByteBuffer buffer = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
		while (buffer.hasRemaining()) {
			if (channel.read(buffer, position + buffer.position()) < 0) {
				break;
			}
		}
		return buffer.flip().order(ByteOrder.LITTLE_ENDIAN);
	}

}

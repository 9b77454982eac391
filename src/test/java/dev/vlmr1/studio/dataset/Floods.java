package dev.vlmr1.studio.dataset;

import java.nio.ByteBuffer;
import java.util.zip.CRC32;

/** Tiny image files whose headers declare huge sizes (T3.5). */
final class Floods {

	private Floods() {
	}

	/** A valid small PNG whose IHDR is rewritten (CRC fixed) to declare width x height. */
	static byte[] png(int width, int height) {
		byte[] bytes = DatasetTestSupport.png(32, 32);
		// signature (8) + length (4) + "IHDR" (4) → width at 16, height at 20, CRC after the 13 data bytes at 29
		ByteBuffer.wrap(bytes).putInt(16, width).putInt(20, height);
		CRC32 crc = new CRC32();
		crc.update(bytes, 12, 17);
		ByteBuffer.wrap(bytes).putInt(29, (int) crc.getValue());
		return bytes;
	}

	/** A 35-byte GIF: header, logical screen and one image descriptor declaring width x height, no data. */
	static byte[] gif(int width, int height) {
		ByteBuffer b = ByteBuffer.allocate(35).order(java.nio.ByteOrder.LITTLE_ENDIAN);
		b.put("GIF89a".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
		b.putShort((short) width).putShort((short) height).put((byte) 0).put((byte) 0).put((byte) 0);
		b.put((byte) 0x2C).putShort((short) 0).putShort((short) 0).putShort((short) width).putShort((short) height);
		b.put((byte) 0).put((byte) 2).put((byte) 2).put((byte) 0x4C).put((byte) 0x01).put((byte) 0).put((byte) 0x3B);
		return java.util.Arrays.copyOf(b.array(), 35);
	}

	/** A valid small JPEG whose SOF0 frame header is rewritten to declare width x height. */
	static byte[] jpeg(int width, int height) {
		byte[] bytes = DatasetTestSupport.image(32, 32, "jpeg");
		for (int i = 2; i + 8 < bytes.length; i++) {
			if ((bytes[i] & 0xff) == 0xFF && (bytes[i + 1] & 0xff) == 0xC0) {
				ByteBuffer.wrap(bytes).putShort(i + 5, (short) height).putShort(i + 7, (short) width);
				return bytes;
			}
		}
		throw new IllegalStateException("no SOF0 marker");
	}

}

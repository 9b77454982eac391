package dev.vlmr1.studio.dataset.ingest;

/** Strict UTF-8 validation (no overlong forms, no surrogates, nothing above U+10FFFF). */
final class Utf8 {

	private Utf8() {
	}

	/** Index of the first byte of the first invalid sequence, or -1 when all {@code length} bytes are valid. */
	static int firstInvalid(byte[] bytes, int length) {
		int i = 0;
		while (i < length) {
			int b = bytes[i] & 0xff;
			if (b < 0x80) {
				i++;
				continue;
			}
			int need;
			int min;
			if (b >= 0xC2 && b <= 0xDF) {
				need = 1;
				min = 0x80;
			}
			else if (b >= 0xE0 && b <= 0xEF) {
				need = 2;
				min = 0x800;
			}
			else if (b >= 0xF0 && b <= 0xF4) {
				need = 3;
				min = 0x10000;
			}
			else {
				return i;
			}
			if (i + need >= length) {
				return i;
			}
			int cp = b & (0x3F >> need);
			for (int k = 1; k <= need; k++) {
				int c = bytes[i + k] & 0xff;
				if ((c & 0xC0) != 0x80) {
					return i;
				}
				cp = (cp << 6) | (c & 0x3F);
			}
			if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
				return i;
			}
			i += need + 1;
		}
		return -1;
	}

}

package dev.vlmr1.studio.synth;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * GPT-2's byte-to-character table, which Hugging Face's {@code ByteLevel} pre-tokenizer and decoder use: every byte
 * becomes one printable character (printable ASCII and Latin-1 bytes stand for themselves, the rest are shifted to
 * U+0100…), so a byte-level BPE can work on strings and still cover any UTF-8 input. A space becomes {@code Ġ}.
 */
final class ByteLevel {

	/** Character standing for each byte value. */
	private static final char[] CHAR_OF_BYTE = new char[256];

	/** The 256 characters in code-point order: the initial vocabulary, ids 0…255, as the HF trainer sorts it. */
	static final String[] ALPHABET = new String[256];

	static {
		int shifted = 0;
		for (int b = 0; b < 256; b++) {
			boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
			CHAR_OF_BYTE[b] = printable ? (char) b : (char) (256 + shifted++);
		}
		char[] sorted = CHAR_OF_BYTE.clone();
		Arrays.sort(sorted);
		for (int i = 0; i < 256; i++) {
			ALPHABET[i] = String.valueOf(sorted[i]);
		}
	}

	private ByteLevel() {
	}

	/** The UTF-8 bytes of {@code text}, each written as its byte-level character. */
	static String encode(String text) {
		byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
		char[] out = new char[bytes.length];
		for (int i = 0; i < bytes.length; i++) {
			out[i] = CHAR_OF_BYTE[bytes[i] & 0xFF];
		}
		return new String(out);
	}

}

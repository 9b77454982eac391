package dev.vlmr1.studio.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;

import org.jspecify.annotations.Nullable;

/**
 * The shape of API tokens: {@code vlm_<prefix>_<secret>} with a 10-character lower-case prefix (the public lookup
 * key) and a 40-character base62 secret (about 238 random bits), of which only the SHA-256 is stored.
 */
final class TokenFormat {

	static final String MARKER = "vlm_";

	static final int PREFIX_LENGTH = 10;

	static final int SECRET_LENGTH = 40;

	private static final String PREFIX_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

	private static final String SECRET_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

	private static final SecureRandom RANDOM = new SecureRandom();

	/** A parsed token; nothing about it is trusted until its hash matched. */
	record Parts(String prefix, String secret) {
	}

	private TokenFormat() {
	}

	static String newPrefix() {
		return random(PREFIX_ALPHABET, PREFIX_LENGTH);
	}

	static String newSecret() {
		return random(SECRET_ALPHABET, SECRET_LENGTH);
	}

	static String format(String prefix, String secret) {
		return MARKER + prefix + "_" + secret;
	}

	/**
	 * Splits a token into prefix and secret, or returns null unless it has exactly the expected length and
	 * alphabet. Checking the alphabet first means look-alike Unicode characters or a huge header never reach
	 * the database.
	 */
	static @Nullable Parts parse(String token) {
		if (token.length() != MARKER.length() + PREFIX_LENGTH + 1 + SECRET_LENGTH || !token.startsWith(MARKER)) {
			return null;
		}
		String prefix = token.substring(MARKER.length(), MARKER.length() + PREFIX_LENGTH);
		String separator = token.substring(MARKER.length() + PREFIX_LENGTH, MARKER.length() + PREFIX_LENGTH + 1);
		String secret = token.substring(MARKER.length() + PREFIX_LENGTH + 1);
		if (!"_".equals(separator) || !only(prefix, PREFIX_ALPHABET) || !only(secret, SECRET_ALPHABET)) {
			return null;
		}
		return new Parts(prefix, secret);
	}

	/** SHA-256 of the secret, lower-case hex (64 characters). */
	static String hash(String secret) {
		try {
			byte[] digest = MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
			return HexFormat.of().formatHex(digest);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("every JVM has SHA-256", ex);
		}
	}

	/** Compares two hashes in time independent of where they differ. */
	static boolean sameHash(String expected, String actual) {
		return MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
				actual.getBytes(StandardCharsets.US_ASCII));
	}

	private static boolean only(String text, String alphabet) {
		for (int i = 0; i < text.length(); i++) {
			if (alphabet.indexOf(text.charAt(i)) < 0) {
				return false;
			}
		}
		return true;
	}

	private static String random(String alphabet, int length) {
		var out = new StringBuilder(length);
		for (int i = 0; i < length; i++) {
			out.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
		}
		return out.toString();
	}

}

package dev.vlmr1.studio.security;

import java.text.Normalizer;
import java.util.Locale;

/**
 * The one normalisation of user names, applied wherever a name is stored, looked up or counted (login, the login
 * throttle, user creation, the admin bootstrap). Names that differ only by Unicode compatibility form, case or
 * surrounding space are the same user, so no spelling of a name reaches its password check without also reaching
 * its throttle count.
 */
public final class Usernames {

	private Usernames() {
	}

	/**
	 * NFKC (full-width and other compatibility forms fold to their plain letters), then strip leading and trailing
	 * white space and control characters (a superset of what Spring's form login trims, so the name the throttle
	 * counts is never looser than the one the password check looks up), then lower case in the root locale.
	 */
	public static String normalize(String raw) {
		String folded = Normalizer.normalize(raw, Normalizer.Form.NFKC);
		int start = 0;
		int end = folded.length();
		while (start < end && isPadding(folded.charAt(start))) {
			start++;
		}
		while (end > start && isPadding(folded.charAt(end - 1))) {
			end--;
		}
		return folded.substring(start, end).toLowerCase(Locale.ROOT);
	}

	private static boolean isPadding(char c) {
		return c <= ' ' || Character.isWhitespace(c) || Character.isSpaceChar(c) || Character.isISOControl(c)
				|| Character.getType(c) == Character.FORMAT;
	}

}

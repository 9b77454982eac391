package dev.vlmr1.studio.web;

import org.jspecify.annotations.Nullable;

/**
 * The one rule for text that comes in from a request (names, descriptions, search terms, parameters, headers the
 * application reads): no control character other than tab, line feed and carriage return, and no lone UTF-16
 * surrogate. PostgreSQL cannot store NUL in text at all and a lone surrogate has no UTF-8 form, so such text would
 * fail deep inside a query (a 500) or be stored mangled; it is refused at the door with a 400 instead.
 */
public final class TextInput {

	private TextInput() {
	}

	/** The index of the first character {@code text} may not contain, or -1 when it is acceptable text. */
	public static int firstForbidden(CharSequence text) {
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f) {
				return i;
			}
			if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
				i++;
			}
			else if (Character.isSurrogate(c)) {
				return i;
			}
		}
		return -1;
	}

	/** Throws a 400 {@code text-invalid} problem naming {@code field} when {@code text} holds a forbidden character. */
	public static void require(String field, @Nullable CharSequence text) {
		if (text == null) {
			return;
		}
		int at = firstForbidden(text);
		if (at >= 0) {
			throw ApiProblem
				.badRequest("text-invalid",
						field + " contains a control character or an unpaired surrogate ("
								+ String.format("U+%04X", (int) text.charAt(at)) + " at position " + at + ")")
				.with("field", field);
		}
	}

}

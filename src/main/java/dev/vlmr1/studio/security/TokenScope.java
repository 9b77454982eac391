package dev.vlmr1.studio.security;

/** What an API token may do: {@code READ} tokens are refused (403) on every method but GET and HEAD. */
public enum TokenScope {

	/** In order of power: a later scope can do everything an earlier one can. */
	READ, WRITE;

	/** Whether a token of this scope may grant {@code other} (to a token it creates). */
	boolean covers(TokenScope other) {
		return ordinal() >= other.ordinal();
	}

	/** The granted authority carried by requests authenticated with a token of this scope. */
	String authority() {
		return "SCOPE_" + name();
	}

}

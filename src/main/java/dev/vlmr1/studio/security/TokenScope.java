package dev.vlmr1.studio.security;

/** What an API token may do: {@code READ} tokens are refused (403) on every method but GET and HEAD. */
public enum TokenScope {

	READ, WRITE;

	/** The granted authority carried by requests authenticated with a token of this scope. */
	String authority() {
		return "SCOPE_" + name();
	}

}

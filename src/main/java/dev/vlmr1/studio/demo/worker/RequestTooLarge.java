package dev.vlmr1.studio.demo.worker;

/**
 * A request over one of the limits: refused before anything is allocated for it (answered 413 naming the limit).
 */
public final class RequestTooLarge extends RuntimeException {

	private final String limit;

	/**
	 * @param limit the setting or model field that bounds it, e.g. {@code max-prompt-tokens}
	 * @param message what was asked and what the limit allows
	 */
	public RequestTooLarge(String limit, String message) {
		super(message);
		this.limit = limit;
	}

	public String limit() {
		return limit;
	}

}

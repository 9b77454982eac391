package dev.vlmr1.studio.demo.worker;

/**
 * The bounds the worker holds every request to, whatever the web tier checked: it refuses rather than allocates.
 * Passed to the worker as system properties ({@code studio.demo.*}, see {@link #fromSystemProperties()}).
 *
 * @param maxPromptTokens most prompt tokens, image pads included (the model's own bound applies too)
 * @param maxImages most images in one request
 * @param maxImagePixels most pixels (width × height) of one image, read from its header before decoding
 * @param maxTotalImagePixels most pixels of all a request's images together
 * @param nativeMemory bytes of native memory the worker may use: model weights, libtorch's own and activations
 * @param heapMemory bytes of Java heap the worker has (its {@code -Xmx})
 */
public record RequestLimits(int maxPromptTokens, int maxImages, long maxImagePixels, long maxTotalImagePixels,
		long nativeMemory, long heapMemory) {

	public static final String MAX_PROMPT_TOKENS = "studio.demo.max-prompt-tokens";

	public static final String MAX_IMAGES = "studio.demo.max-images";

	public static final String MAX_IMAGE_PIXELS = "studio.demo.max-image-pixels";

	public static final String MAX_TOTAL_IMAGE_PIXELS = "studio.demo.max-total-image-pixels";

	public static final String NATIVE_MEMORY = "studio.demo.worker-native-memory";

	public RequestLimits {
		if (maxPromptTokens < 1 || maxImages < 0 || maxImagePixels < 1 || maxTotalImagePixels < 1
				|| nativeMemory < 1 || heapMemory < 1) {
			throw new IllegalArgumentException("request limits must be positive");
		}
	}

	/** The limits the web JVM passed on the command line; the defaults match the web side's. */
	static RequestLimits fromSystemProperties() {
		return new RequestLimits(Integer.getInteger(MAX_PROMPT_TOKENS, 8192), Integer.getInteger(MAX_IMAGES, 8),
				Long.getLong(MAX_IMAGE_PIXELS, 50_000_000L), Long.getLong(MAX_TOTAL_IMAGE_PIXELS, 100_000_000L),
				Long.getLong(NATIVE_MEMORY, 8L << 30), Runtime.getRuntime().maxMemory());
	}

}

package dev.vlmr1.studio.demo;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Demo and inference-worker settings ({@code studio.demo.*}).
 *
 * @param maxCachedModels models the worker keeps loaded (least recently used evicted first)
 * @param maxPendingRequests requests in flight at once (the one running plus those queued); more get 429
 * @param workerHeap the worker JVM's {@code -Xmx} (model weights live in native memory, not on this heap)
 * @param workerThreads CPU threads for the worker (libtorch and the JVM); 0 leaves the machine's default
 * @param workerJvmArgs extra JVM options for the worker, space separated
 * @param startTimeout how long the worker may take to start (JVM + libtorch)
 * @param requestTimeout how long a request may wait for its answer, queueing included
 * @param maxImageBytes largest accepted image file
 * @param maxImagePixels largest accepted image, width × height, checked from the header before decoding
 * @param defaultMaxNewTokens generation bound when the request gives none
 * @param maxNewTokensLimit the largest bound a request may ask for
 * @param maxPromptTokens most prompt tokens (image tokens included); the model's {@code max_position_embeddings}
 * bounds prompt + new tokens too. Counted by the worker after tokenizing, before running anything
 * @param maxPromptCharacters most characters of text in one request (all messages), checked before tokenizing
 * @param maxImages most images in one request
 * @param maxTotalImagePixels most pixels of all a request's images together
 * @param maxMessages most messages in one chat request
 * @param maxRequestBytes largest inference request body (JSON with base64 images, or multipart)
 * @param workerNativeMemory native memory the worker may use: model weights, libtorch's own, and the activations of
 * one request; a request whose estimated need does not fit is refused with 413 before it runs
 * @param workerAddressSpaceReserve on Linux the worker runs under an address-space limit ({@code ulimit -v}) of
 * heap + native memory + this reserve (what the JVM and libtorch reserve without using: class space, code cache,
 * thread stacks), so an allocation past the budget fails inside the request, which answers 413, instead of
 * growing the worker until the kernel kills it; 0 sets no limit. Not applied with {@code workerDevice=cuda}: the
 * CUDA runtime reserves far more address space than it uses
 * @param workerDevice where the worker puts its models: {@code auto} (CUDA device 0 when libtorch reports a GPU, else
 * the CPU), {@code cpu} or {@code cuda} (the worker does not start without one)
 */
@ConfigurationProperties("studio.demo")
record DemoProperties(@DefaultValue("2") int maxCachedModels, @DefaultValue("4") int maxPendingRequests,
		@DefaultValue("2g") String workerHeap, @DefaultValue("0") int workerThreads, @DefaultValue("") String workerJvmArgs,
		@DefaultValue("2m") Duration startTimeout, @DefaultValue("5m") Duration requestTimeout,
		@DefaultValue("20MB") DataSize maxImageBytes, @DefaultValue("50000000") long maxImagePixels,
		@DefaultValue("256") int defaultMaxNewTokens, @DefaultValue("2048") int maxNewTokensLimit,
		@DefaultValue("8192") int maxPromptTokens, @DefaultValue("262144") int maxPromptCharacters,
		@DefaultValue("8") int maxImages, @DefaultValue("100000000") long maxTotalImagePixels,
		@DefaultValue("256") int maxMessages, @DefaultValue("64MB") DataSize maxRequestBytes,
		@DefaultValue("8GB") DataSize workerNativeMemory, @DefaultValue("4GB") DataSize workerAddressSpaceReserve,
		@DefaultValue("auto") String workerDevice) {

	DemoProperties {
		heapBytes(workerHeap);
		if (maxCachedModels < 1 || maxPendingRequests < 1 || maxImagePixels < 1 || defaultMaxNewTokens < 1
				|| maxNewTokensLimit < defaultMaxNewTokens || maxPromptTokens < 1 || maxPromptCharacters < 1
				|| maxImages < 0 || maxTotalImagePixels < 1 || maxMessages < 1 || maxRequestBytes.toBytes() < 1
				|| workerNativeMemory.toBytes() < 1 || workerAddressSpaceReserve.toBytes() < 0) {
			throw new IllegalArgumentException("studio.demo: cache, queue, pixel, token, message, size and memory limits"
					+ " must be positive and max-new-tokens-limit at least default-max-new-tokens");
		}
		if (!java.util.List.of("auto", "cpu", "cuda").contains(workerDevice)) {
			throw new IllegalArgumentException("studio.demo.worker-device must be auto, cpu or cuda, got '" + workerDevice + "'");
		}
	}

	/** The worker's heap in bytes, from {@code -Xmx} syntax: a number with an optional k, m or g. */
	static long heapBytes(String heap) {
		String value = heap.strip().toLowerCase(java.util.Locale.ROOT);
		java.util.regex.Matcher m = java.util.regex.Pattern.compile("([0-9]{1,12})([kmg]?)").matcher(value);
		if (!m.matches()) {
			throw new IllegalArgumentException("studio.demo.worker-heap must look like 512m or 2g, got '" + heap + "'");
		}
		long number = Long.parseLong(m.group(1));
		return switch (m.group(2)) {
			case "k" -> number << 10;
			case "m" -> number << 20;
			case "g" -> number << 30;
			default -> number;
		};
	}

}

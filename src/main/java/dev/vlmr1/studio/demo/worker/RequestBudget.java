package dev.vlmr1.studio.demo.worker;

import java.util.List;

import dev.vlmr1.studio.model.InferenceFootprint;
import dev.vlmr1.studio.model.QwenVlConfig;
import dev.vlmr1.studio.model.image.PreprocessorConfig;
import dev.vlmr1.studio.model.image.SmartResize;

/**
 * Decides, before anything is decoded or allocated for a request, whether it fits the worker: image count and pixels
 * from the images' headers, prompt tokens against the server's limit and the model's positions, and the memory the
 * request needs ({@link InferenceFootprint} for native memory, decoded and patched pixels for the heap) against
 * what the worker has left once its models are loaded. Over any of them: {@link RequestTooLarge} naming it.
 */
final class RequestBudget {

	/** Native memory libtorch and the JVM use whatever the request: thread pools, allocator caches, code, metaspace. */
	static final long RUNTIME_RESERVE = 512L << 20;

	/** The share of the heap one request may fill (the rest: the request line itself, the JVM's own needs). */
	static final double HEAP_SHARE = 0.6;

	/** Heap bytes per decoded pixel: the decoded image (4) and its RGB copy (3). */
	static final long DECODED_BYTES_PER_PIXEL = 7;

	private final RequestLimits limits;

	RequestBudget(RequestLimits limits) {
		this.limits = limits;
	}

	RequestLimits limits() {
		return limits;
	}

	/** Checks the image count and the pixels the headers claim, before decoding any. */
	void checkImages(List<ImageHeader> headers) {
		if (headers.size() > limits.maxImages()) {
			throw new RequestTooLarge("max-images", "the request has " + headers.size()
					+ " images, more than the limit of " + limits.maxImages() + " (max-images)");
		}
		long total = 0;
		for (ImageHeader header : headers) {
			if (header.pixels() > limits.maxImagePixels()) {
				throw new RequestTooLarge("max-image-pixels", "an image is " + header.width() + "x" + header.height()
						+ " = " + header.pixels() + " pixels, more than the limit of " + limits.maxImagePixels()
						+ " (max-image-pixels)");
			}
			total += header.pixels();
		}
		if (total > limits.maxTotalImagePixels()) {
			throw new RequestTooLarge("max-total-image-pixels", "the request's images have " + total
					+ " pixels together, more than the limit of " + limits.maxTotalImagePixels()
					+ " (max-total-image-pixels)");
		}
	}

	/** The size each image is resized to, as the image processor will resize it. */
	static SmartResize[] resized(List<ImageHeader> headers, PreprocessorConfig processor) {
		SmartResize[] sizes = new SmartResize[headers.size()];
		for (int i = 0; i < sizes.length; i++) {
			ImageHeader h = headers.get(i);
			sizes[i] = SmartResize.of(h.height(), h.width(), processor.factor(), processor.minPixels(),
					processor.maxPixels());
		}
		return sizes;
	}

	/** Patches per image: (h / p) · (w / p) of its resized size. */
	static long[] patches(SmartResize[] sizes, PreprocessorConfig processor) {
		long[] patches = new long[sizes.length];
		for (int i = 0; i < sizes.length; i++) {
			patches[i] = (long) (sizes[i].height() / processor.patchSize()) * (sizes[i].width() / processor.patchSize());
		}
		return patches;
	}

	/**
	 * Checks a tokenized request against the prompt limits and the memory left.
	 * @param weightBytes the native bytes of every model the worker holds, this one included
	 */
	void checkPrompt(QwenVlConfig config, PreprocessorConfig processor, List<ImageHeader> headers,
			SmartResize[] sizes, long promptTokens, int maxNewTokens, long weightBytes) {
		checkPrompt(config, processor, headers, sizes, promptTokens, maxNewTokens, 1, weightBytes);
	}

	/**
	 * Checks a request that generates {@code sequences} choices as one batch: the prompt, its images and the cache
	 * are held once per sequence.
	 */
	void checkPrompt(QwenVlConfig config, PreprocessorConfig processor, List<ImageHeader> headers,
			SmartResize[] sizes, long promptTokens, int maxNewTokens, int sequences, long weightBytes) {
		if (maxNewTokens < 1) {
			throw new IllegalArgumentException("max_new_tokens must be at least 1, got " + maxNewTokens);
		}
		if (promptTokens > limits.maxPromptTokens()) {
			throw new RequestTooLarge("max-prompt-tokens", "the prompt has " + promptTokens
					+ " tokens, more than the limit of " + limits.maxPromptTokens() + " (max-prompt-tokens)");
		}
		int positions = config.text().maxPositionEmbeddings();
		if (promptTokens + maxNewTokens > positions) {
			throw new RequestTooLarge("max_position_embeddings", "the prompt's " + promptTokens + " tokens plus "
					+ maxNewTokens + " new tokens exceed the model's " + positions
					+ " positions (max_position_embeddings); shorten the prompt or ask for fewer tokens");
		}
		long[] patches = patches(sizes, processor);
		long needed = InferenceFootprint.of(config, promptTokens, maxNewTokens, patches).total() * sequences;
		long available = limits.nativeMemory() - weightBytes - RUNTIME_RESERVE;
		if (needed > available) {
			throw new RequestTooLarge("worker-native-memory", "the request needs about " + mib(needed)
					+ " MiB of working memory, more than the " + Math.max(0, mib(available))
					+ " MiB the inference worker has left besides its loaded models (worker-native-memory "
					+ mib(limits.nativeMemory()) + " MiB); shorten the prompt, send fewer or smaller images, or ask"
					+ " for fewer tokens");
		}
		long heap = heapBytes(headers, sizes, patches, config.vision().patchDim());
		long heapBudget = (long) (limits.heapMemory() * HEAP_SHARE);
		if (heap > heapBudget) {
			throw new RequestTooLarge("worker-heap", "decoding and patching the request's images needs about "
					+ mib(heap) + " MiB of heap, more than the " + mib(heapBudget)
					+ " MiB one request may use (worker-heap " + mib(limits.heapMemory()) + " MiB)");
		}
	}

	/** Decoded images, their resized copies, and the patch rows (per image, then concatenated). */
	static long heapBytes(List<ImageHeader> headers, SmartResize[] sizes, long[] patches, int patchDim) {
		long bytes = 0;
		for (int i = 0; i < headers.size(); i++) {
			bytes += DECODED_BYTES_PER_PIXEL * headers.get(i).pixels();
			bytes += 3L * sizes[i].height() * sizes[i].width();
			bytes += 2L * 4 * patches[i] * patchDim;
		}
		return bytes;
	}

	private static long mib(long bytes) {
		return bytes >> 20;
	}

}

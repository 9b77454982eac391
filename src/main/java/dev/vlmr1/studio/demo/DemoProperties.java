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
 */
@ConfigurationProperties("studio.demo")
record DemoProperties(@DefaultValue("2") int maxCachedModels, @DefaultValue("4") int maxPendingRequests,
		@DefaultValue("2g") String workerHeap, @DefaultValue("0") int workerThreads, @DefaultValue("") String workerJvmArgs,
		@DefaultValue("2m") Duration startTimeout, @DefaultValue("5m") Duration requestTimeout,
		@DefaultValue("20MB") DataSize maxImageBytes, @DefaultValue("50000000") long maxImagePixels,
		@DefaultValue("256") int defaultMaxNewTokens, @DefaultValue("2048") int maxNewTokensLimit) {

	DemoProperties {
		if (maxCachedModels < 1 || maxPendingRequests < 1 || maxImagePixels < 1 || defaultMaxNewTokens < 1
				|| maxNewTokensLimit < defaultMaxNewTokens) {
			throw new IllegalArgumentException("studio.demo: cache, queue, pixel and token limits must be positive"
					+ " and max-new-tokens-limit at least default-max-new-tokens");
		}
	}

}

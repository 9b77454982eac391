package dev.vlmr1.studio.demo.worker;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * One line the web side writes to the worker's stdin.
 *
 * @param id matches the response to the request; 0 is reserved for the worker's "ready" line
 * @param op {@code infer} (a demo request) or {@code status} (answered at once, even while a request runs)
 * @param task REC or OVD ({@code infer} only)
 * @param checkpoint the model directory, already validated by the catalog ({@code infer} only)
 * @param image the image file's bytes (PNG, JPEG, …) in base64 ({@code infer} only)
 * @param expression the referring expression (REC)
 * @param labels the labels to detect (OVD)
 * @param maxNewTokens generation bound
 * @param temperature 0 for greedy decoding
 * @param seed sampler seed when sampling
 */
public record WorkerRequest(long id, String op, @Nullable DemoTask task, @Nullable String checkpoint,
		@Nullable String image, @Nullable String expression, @Nullable List<String> labels, int maxNewTokens,
		double temperature, long seed) {

	public static final String INFER = "infer";

	public static final String STATUS = "status";

	/** A demo request (its id is assigned when it is sent). */
	public static WorkerRequest infer(DemoTask task, String checkpoint, String imageBase64, String expression,
			List<String> labels, int maxNewTokens, double temperature, long seed) {
		return new WorkerRequest(0, INFER, task, checkpoint, imageBase64, expression, List.copyOf(labels), maxNewTokens,
				temperature, seed);
	}

	public static WorkerRequest status() {
		return new WorkerRequest(0, STATUS, null, null, null, null, null, 0, 0, 0);
	}

	public WorkerRequest withId(long newId) {
		return new WorkerRequest(newId, op, task, checkpoint, image, expression, labels, maxNewTokens, temperature, seed);
	}

}

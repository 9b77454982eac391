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
 * @param messages {@code chat}: the conversation, images marked with {@code <image>} in the turns' text
 * @param images {@code chat}: the conversation's images in order, base64
 * @param rescale map boxes from the model's input frame to the original image (false: the model was trained on
 * boxes in original pixels, as VLM-R1's OVD data was)
 */
public record WorkerRequest(long id, String op, @Nullable DemoTask task, @Nullable String checkpoint,
		@Nullable String image, @Nullable String expression, @Nullable List<String> labels, int maxNewTokens,
		double temperature, long seed, @Nullable List<ChatTurn> messages, @Nullable List<String> images,
		boolean rescale) {

	public static final String INFER = "infer";

	public static final String CHAT = "chat";

	public static final String STATUS = "status";

	/**
	 * One turn of a free-form conversation ({@code chat}).
	 *
	 * @param role {@code system}, {@code user} or {@code assistant}
	 * @param text the turn's text with one {@code <image>} marker where each of its images goes
	 * @param imageCount how many of the request's images this turn carries
	 */
	public record ChatTurn(String role, String text, int imageCount) {
	}

	/** A demo request (its id is assigned when it is sent). */
	public static WorkerRequest infer(DemoTask task, String checkpoint, String imageBase64, String expression,
			List<String> labels, int maxNewTokens, double temperature, long seed, boolean rescale) {
		return new WorkerRequest(0, INFER, task, checkpoint, imageBase64, expression, List.copyOf(labels), maxNewTokens,
				temperature, seed, null, null, rescale);
	}

	/** A free-form conversation (the chat-completions endpoint): the answer is the assistant's next turn. */
	public static WorkerRequest chat(String checkpoint, List<ChatTurn> messages, List<String> imagesBase64,
			int maxNewTokens, double temperature, long seed) {
		return new WorkerRequest(0, CHAT, null, checkpoint, null, null, null, maxNewTokens, temperature, seed,
				List.copyOf(messages), List.copyOf(imagesBase64), false);
	}

	public static WorkerRequest status() {
		return new WorkerRequest(0, STATUS, null, null, null, null, null, 0, 0, 0, null, null, false);
	}

	public WorkerRequest withId(long newId) {
		return new WorkerRequest(newId, op, task, checkpoint, image, expression, labels, maxNewTokens, temperature, seed,
				messages, images, rescale);
	}

}

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
 * @param options {@code chat}: the OpenAI sampling and output options; null: one greedy or tempered choice
 * @param cancel {@code cancel}: the id of the request to stop (answered by that request's own failure line)
 */
public record WorkerRequest(long id, String op, @Nullable DemoTask task, @Nullable String checkpoint,
		@Nullable String image, @Nullable String expression, @Nullable List<String> labels, int maxNewTokens,
		double temperature, long seed, @Nullable List<ChatTurn> messages, @Nullable List<String> images,
		boolean rescale, @Nullable ChatOptions options, long cancel) {

	public static final String INFER = "infer";

	public static final String CANCEL = "cancel";

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

	/**
	 * What a chat request asks beyond the prompt (the OpenAI parameters the worker applies).
	 *
	 * @param n choices to generate, as one batch
	 * @param topP nucleus sampling (1 = off)
	 * @param frequencyPenalty OpenAI's frequency penalty
	 * @param presencePenalty OpenAI's presence penalty
	 * @param stop strings that end a choice; the text is cut before the first one
	 * @param topLogprobs -1: no log-probabilities; 0…20: the chosen tokens' and that many alternatives each
	 * @param stream send each choice's new text as it is generated, before the result line
	 */
	public record ChatOptions(int n, double topP, double frequencyPenalty, double presencePenalty, List<String> stop,
			int topLogprobs, boolean stream) {

		public static final ChatOptions DEFAULT = new ChatOptions(1, 1, 0, 0, List.of(), -1, false);

	}

	/** A demo request (its id is assigned when it is sent). */
	public static WorkerRequest infer(DemoTask task, String checkpoint, String imageBase64, String expression,
			List<String> labels, int maxNewTokens, double temperature, long seed, boolean rescale) {
		return new WorkerRequest(0, INFER, task, checkpoint, imageBase64, expression, List.copyOf(labels), maxNewTokens,
				temperature, seed, null, null, rescale, null, 0);
	}

	/** A free-form conversation (the chat-completions endpoint): the answer is the assistant's next turn. */
	public static WorkerRequest chat(String checkpoint, List<ChatTurn> messages, List<String> imagesBase64,
			int maxNewTokens, double temperature, long seed) {
		return chat(checkpoint, messages, imagesBase64, maxNewTokens, temperature, seed, ChatOptions.DEFAULT);
	}

	/** A free-form conversation with the OpenAI options. */
	public static WorkerRequest chat(String checkpoint, List<ChatTurn> messages, List<String> imagesBase64,
			int maxNewTokens, double temperature, long seed, ChatOptions options) {
		return new WorkerRequest(0, CHAT, null, checkpoint, null, null, null, maxNewTokens, temperature, seed,
				List.copyOf(messages), List.copyOf(imagesBase64), false, options, 0);
	}

	public static WorkerRequest status() {
		return new WorkerRequest(0, STATUS, null, null, null, null, null, 0, 0, 0, null, null, false, null, 0);
	}

	/** Stops request {@code target}: queued, it is not run; generating, it stops after the current token. */
	public static WorkerRequest cancel(long target) {
		return new WorkerRequest(0, CANCEL, null, null, null, null, null, 0, 0, 0, null, null, false, null, target);
	}

	/** The chat options, the defaults when none were sent. */
	public ChatOptions chatOptions() {
		return options == null ? ChatOptions.DEFAULT : options;
	}

	public boolean streaming() {
		return options != null && options.stream();
	}

	public WorkerRequest withId(long newId) {
		return new WorkerRequest(newId, op, task, checkpoint, image, expression, labels, maxNewTokens, temperature, seed,
				messages, images, rescale, options, cancel);
	}

}

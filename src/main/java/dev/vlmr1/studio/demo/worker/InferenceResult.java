package dev.vlmr1.studio.demo.worker;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * The answer to one demo request.
 *
 * @param completion the generated text, special tokens left out
 * @param thinking the text of the first {@code <think>} block, trimmed; null without one
 * @param answer the text of the {@code <answer>} block the task reads (REC: first, OVD: last), trimmed; null without
 * @param box REC: the predicted box in original-image pixels; null when the answer holds none
 * @param rawBox REC: the same box as the model wrote it, in its input frame
 * @param detections OVD: the labelled boxes (empty for REC, for {@code None} and for an unreadable answer)
 * @param problems OVD: why the answer or some entries could not be read
 * @param image the (first) image's original size and the frame the model saw; null for a chat without images
 * @param promptTokens prompt length in tokens (image pads included)
 * @param generatedTokens new tokens (EOS included)
 * @param stopped whether generation ended at an end-of-sequence token (else it hit the token bound)
 * @param timing where the time went
 * @param workerPid the process that answered
 * @param cacheHit whether the model was already loaded
 * @param choices {@code chat}: every choice (the first is {@code completion}); empty for the demo tasks
 */
public record InferenceResult(String completion, @Nullable String thinking, @Nullable String answer,
		double @Nullable [] box, double @Nullable [] rawBox, List<LabelledBox> detections, List<String> problems,
		@Nullable ImageFrame image, int promptTokens, int generatedTokens, boolean stopped, Timing timing,
		long workerPid, boolean cacheHit, List<Choice> choices) {

	/**
	 * One of a chat request's choices.
	 *
	 * @param index its place among the request's choices
	 * @param text the generated text, cut before the first stop string
	 * @param finishReason {@code stop} (end of sequence or a stop string) or {@code length} (the token bound)
	 * @param tokens tokens generated for it
	 * @param logprobs per token, when asked for; null otherwise
	 */
	public record Choice(int index, String text, String finishReason, int tokens,
			@Nullable List<TokenLogprob> logprobs) {
	}

	/**
	 * An image as the model saw it.
	 *
	 * @param width original width in pixels
	 * @param height original height in pixels
	 * @param inputWidth width after the processor's resize (grid_w·14)
	 * @param inputHeight height after the resize (grid_h·14)
	 */
	public record ImageFrame(int width, int height, int inputWidth, int inputHeight) {
	}

	/**
	 * One OVD detection.
	 *
	 * @param label as the model wrote it
	 * @param box in original-image pixels
	 * @param rawBox in the model's input frame
	 */
	public record LabelledBox(String label, double[] box, double[] rawBox) {
	}

	/**
	 * Milliseconds spent per phase.
	 *
	 * @param queueMs waiting in the worker behind earlier requests
	 * @param loadMs loading the model (0 on a cache hit)
	 * @param preprocessMs decoding and processing the image, building the prompt
	 * @param generateMs prefill and decoding
	 */
	public record Timing(long queueMs, long loadMs, long preprocessMs, long generateMs) {
	}

}

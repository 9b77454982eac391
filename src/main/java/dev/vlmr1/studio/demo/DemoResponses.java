package dev.vlmr1.studio.demo;

import java.util.List;

import org.jspecify.annotations.Nullable;

import dev.vlmr1.studio.demo.worker.InferenceResult;

/** The JSON bodies the demo endpoints answer with. */
final class DemoResponses {

	private DemoResponses() {
	}

	/**
	 * A REC answer.
	 *
	 * @param modelId the model that answered
	 * @param completion the generated text
	 * @param thinking inside {@code <think>}, or null
	 * @param answer inside the first {@code <answer>}, or null
	 * @param box the predicted box in original-image pixels, or null when the answer holds none
	 * @param rawBox the box as the model wrote it (its input frame), or null
	 * @param image original size and model input size
	 * @param promptTokens prompt length in tokens
	 * @param generatedTokens generated tokens
	 * @param timing milliseconds per phase
	 * @param workerPid the inference worker's process id
	 * @param cacheHit whether the model was already loaded
	 */
	record Rec(long modelId, String completion, @Nullable String thinking, @Nullable String answer,
			double @Nullable [] box, double @Nullable [] rawBox, InferenceResult.ImageFrame image, int promptTokens,
			int generatedTokens, InferenceResult.Timing timing, long workerPid, boolean cacheHit) {

		static Rec of(long modelId, InferenceResult r) {
			return new Rec(modelId, r.completion(), r.thinking(), r.answer(), r.box(), r.rawBox(), r.image(),
					r.promptTokens(), r.generatedTokens(), r.timing(), r.workerPid(), r.cacheHit());
		}

	}

	/**
	 * An OVD answer.
	 *
	 * @param modelId the model that answered
	 * @param labels the labels asked for
	 * @param completion the generated text
	 * @param thinking inside {@code <think>}, or null
	 * @param answer inside the last {@code <answer>}, or null
	 * @param detections labelled boxes in original-image pixels (and as written)
	 * @param problems why the answer or entries of it could not be read
	 * @param image original size and model input size
	 * @param promptTokens prompt length in tokens
	 * @param generatedTokens generated tokens
	 * @param timing milliseconds per phase
	 * @param workerPid the inference worker's process id
	 * @param cacheHit whether the model was already loaded
	 */
	record Ovd(long modelId, List<String> labels, String completion, @Nullable String thinking,
			@Nullable String answer, List<InferenceResult.LabelledBox> detections, List<String> problems,
			InferenceResult.ImageFrame image, int promptTokens, int generatedTokens, InferenceResult.Timing timing,
			long workerPid, boolean cacheHit) {

		static Ovd of(long modelId, List<String> labels, InferenceResult r) {
			return new Ovd(modelId, labels, r.completion(), r.thinking(), r.answer(), r.detections(), r.problems(),
					r.image(), r.promptTokens(), r.generatedTokens(), r.timing(), r.workerPid(), r.cacheHit());
		}

	}

}

package dev.vlmr1.studio.demo.worker;

import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

import dev.vlmr1.studio.reward.Answers;
import dev.vlmr1.studio.reward.Box;
import dev.vlmr1.studio.reward.BoxParser;
import dev.vlmr1.studio.reward.Detection;
import dev.vlmr1.studio.reward.DetectionList;
import dev.vlmr1.studio.reward.DetectionParser;
import dev.vlmr1.studio.reward.SampleImage;

/**
 * Reads a completion the way the rewards and the evaluation do (the reward library's parsers), so the demo shows
 * exactly what training scored: REC takes the first {@code [int, int, int, int]} of the first answer, OVD the last
 * answer as a detection list; boxes are rescaled from the model's input frame to the original image.
 */
final class CompletionReader {

	private static final Pattern THINK = Pattern.compile("<think>(.*?)</think>", Pattern.DOTALL);

	private CompletionReader() {
	}

	/** The parsed parts of a completion. */
	record Reading(@Nullable String thinking, @Nullable String answer, double @Nullable [] box,
			double @Nullable [] rawBox, List<InferenceResult.LabelledBox> detections, List<String> problems) {
	}

	/** A free-form completion: its thinking and its last answer, if it has them; no boxes. */
	static Reading plain(String completion) {
		return new Reading(thinking(completion), Answers.last(completion).map(String::strip).orElse(null), null, null,
				List.of(), List.of());
	}

	/**
	 * Reads a task's completion.
	 * @param rescale map boxes from the model's input frame to the original image; false keeps them as written
	 */
	static Reading read(DemoTask task, String completion, SampleImage image, boolean rescale) {
		UnaryOperator<Box> toOriginal = rescale ? image::toOriginal : UnaryOperator.identity();
		String thinking = thinking(completion);
		if (task == DemoTask.REC) {
			String answer = Answers.first(completion).map(String::strip).orElse(null);
			Optional<Box> raw = BoxParser.recPrediction(completion);
			return new Reading(thinking, answer, raw.map((b) -> toOriginal.apply(b).toArray()).orElse(null),
					raw.map(Box::toArray).orElse(null), List.of(), List.of());
		}
		Optional<String> answer = Answers.last(completion);
		if (answer.isEmpty()) {
			return new Reading(thinking, null, null, null, List.of(), List.of("no <answer> block"));
		}
		DetectionList parsed = DetectionParser.parse(answer.get());
		List<InferenceResult.LabelledBox> boxes = parsed.detections()
			.stream()
			.map((Detection d) -> new InferenceResult.LabelledBox(d.label(), toOriginal.apply(d.box()).toArray(),
					d.box().toArray()))
			.toList();
		return new Reading(thinking, answer.get().strip(), null, null, boxes, parsed.problems());
	}

	private static @Nullable String thinking(String completion) {
		Matcher m = THINK.matcher(completion);
		return m.find() ? m.group(1).strip() : null;
	}

}

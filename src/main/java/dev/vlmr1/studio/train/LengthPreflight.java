package dev.vlmr1.studio.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.vlmr1.studio.model.ChatMessage;
import dev.vlmr1.studio.model.ChatTemplate;
import dev.vlmr1.studio.model.image.PreprocessorConfig;
import dev.vlmr1.studio.model.image.SmartResize;
import dev.vlmr1.studio.model.tokenizer.QwenTokenizer;

/**
 * Whether a run's length limits can hold its data, decided before the run is queued. A completion cut at
 * {@code max_completion_length} before it closes its answer cannot be parsed, so every completion of a group scores
 * alike and GRPO learns nothing; the run would spend its whole budget at reward 0. A prompt longer than
 * {@code max_prompt_length} could only be cut inside its image tokens. Both are measured with the model's own
 * tokenizer, on the prompts the trainer builds and on the answers in the format the rewards read (the SFT targets).
 */
public final class LengthPreflight {

	/** Share of answers that must fit: a few outliers may be cut, most of the data may not. */
	static final double ANSWERS_THAT_MUST_FIT = 0.9;

	/** One sample as the check reads it: its text and the {width, height} of each image, no pixels. */
	public record Sample(String question, String solution, String taskType, List<int[]> imageSizes) {
	}

	/** A limit the data does not fit, with the numbers and the value that would. */
	public record Finding(String setting, String message) {
	}

	private final QwenTokenizer tokenizer;

	private final PreprocessorConfig images;

	public LengthPreflight(QwenTokenizer tokenizer, PreprocessorConfig images) {
		this.tokenizer = tokenizer;
		this.images = images;
	}

	/** What does not fit; empty when the limits hold the data. */
	public List<Finding> check(List<Sample> samples, int maxCompletionLength, int maxPromptLength) {
		List<Finding> findings = new ArrayList<>();
		if (samples.isEmpty()) {
			return findings;
		}
		int[] answers = samples.stream().mapToInt(this::answerTokens).sorted().toArray();
		long fitting = Arrays.stream(answers).filter(n -> n <= maxCompletionLength).count();
		if (fitting < ANSWERS_THAT_MUST_FIT * answers.length) {
			findings.add(new Finding("max_completion_length", String.format(Locale.ROOT,
					"%d of %d answers do not fit: in the format the rewards read (<think>…</think><answer>…</answer>) they"
							+ " take %d to %d tokens with this model's tokenizer (median %d), and a completion cut before"
							+ " its answer closes scores like every other, so GRPO cannot learn; max_completion_length ≥ %d"
							+ " holds every answer (leave room for longer thinking)",
					answers.length - fitting, answers.length, answers[0], answers[answers.length - 1],
					answers[answers.length / 2], answers[answers.length - 1])));
		}
		String template = GrpoConfig.promptTemplate(samples.stream().map(Sample::taskType).distinct().toList());
		int longest = samples.stream().mapToInt((s) -> promptTokens(s, template)).max().orElse(0);
		if (longest > maxPromptLength) {
			findings.add(new Finding("max_prompt_length", String.format(Locale.ROOT,
					"the longest prompt takes %d tokens with its image tokens, more than max_prompt_length %d, and a prompt"
							+ " cannot be cut inside its image tokens; max_prompt_length ≥ %d fits every prompt (or lower"
							+ " the images' max_pixels)",
					longest, maxPromptLength, longest)));
		}
		return findings;
	}

	/** The SFT target of the sample (the answer format the rewards parse) and its end-of-turn token. */
	int answerTokens(Sample sample) {
		TrainingSample asTrained = new TrainingSample("preflight", sample.question(), List.of(), sample.solution(),
				Map.of("task_type", sample.taskType()));
		return tokenizer.encode(SftTargets.inAnswerFormat(asTrained).solution()).length + 1;
	}

	/** The prompt exactly as the trainer builds it: template, chat turn, vision block with one token per 2×2 patches. */
	int promptTokens(Sample sample, String template) {
		int[] perImage = sample.imageSizes().stream().mapToInt(this::imageTokens).toArray();
		String text = template.replace("{question}", sample.question());
		return new ChatTemplate(tokenizer).prompt(List.of(ChatMessage.user(text, perImage.length)), perImage).length;
	}

	private int imageTokens(int[] widthHeight) {
		int factor = images.patchSize() * images.mergeSize();
		SmartResize size = SmartResize.of(widthHeight[1], widthHeight[0], factor, images.minPixels(), images.maxPixels());
		return (size.height() / images.patchSize()) * (size.width() / images.patchSize()) / (images.mergeSize() * images.mergeSize());
	}

}

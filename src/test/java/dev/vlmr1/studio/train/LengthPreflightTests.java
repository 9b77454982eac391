package dev.vlmr1.studio.train;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.vlmr1.studio.synth.TinyModelCreator;
import dev.vlmr1.studio.model.ChatTemplate;
import dev.vlmr1.studio.model.image.ImageProcessor;
import dev.vlmr1.studio.model.tokenizer.QwenTokenizer;
import dev.vlmr1.studio.synth.SynthTask;
import dev.vlmr1.studio.synth.SyntheticDataset;
import dev.vlmr1.studio.synth.SyntheticDatasetWriter;
import dev.vlmr1.studio.synth.TinyQwenVl;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The length check before a GRPO run is queued, on a tiny model's own tokenizer and synthetic REC data: its prompt
 * lengths are those of the prompts the trainer builds, its answer lengths those of the SFT targets, and it names
 * the value that fits.
 */
class LengthPreflightTests {

	@TempDir
	static Path dir;

	static QwenTokenizer tokenizer;

	static ImageProcessor images;

	static List<TrainingSample> samples;

	@BeforeAll
	static void tinyModelAndData() {
		Path model = dir.resolve("model");
		TinyModelCreator.create(model, 1, List.of(), 512, TinyQwenVl.DEFAULT);
		tokenizer = QwenTokenizer.load(model);
		images = ImageProcessor.fromCheckpoint(model);
		var synth = new SyntheticDataset(5, 112, 140).generate(SynthTask.REC, SyntheticDataset.Split.IN_DOMAIN, 12, "rec");
		Path jsonl = SyntheticDatasetWriter.write(synth, dir.resolve("data"), "rec");
		samples = JsonlTrainingData.read(jsonl, jsonl.getParent());
	}

	@AfterAll
	static void close() {
		tokenizer.close();
	}

	@Test
	void promptLengthsAreThoseOfThePromptsTheTrainerBuilds() {
		LengthPreflight preflight = new LengthPreflight(tokenizer, images.config());
		String template = GrpoConfig.promptTemplate(List.of("rec"));
		GrpoConfig config = GrpoConfig.defaults().toBuilder().promptTemplate(template).build();
		for (TrainingSample s : samples) {
			long[] trained = PreparedPrompt.of(s, config.prompt(s.question()), new ChatTemplate(tokenizer), images).ids();
			assertThat(preflight.promptTokens(shape(s), template)).as(s.id()).isEqualTo(trained.length);
		}
	}

	@Test
	void answerLengthsAreThoseOfTheSftTargetsWithTheirEndToken() {
		LengthPreflight preflight = new LengthPreflight(tokenizer, images.config());
		for (TrainingSample s : samples) {
			int target = tokenizer.encode(SftTargets.inAnswerFormat(s).solution()).length;
			assertThat(preflight.answerTokens(shape(s))).isEqualTo(target + 1);
		}
	}

	@Test
	void limitsThatHoldTheDataPass() {
		assertThat(new LengthPreflight(tokenizer, images.config()).check(shapes(), 256, 1024)).isEmpty();
	}

	@Test
	void aCompletionBudgetBelowTheAnswersIsRefusedWithTheValueThatFits() {
		LengthPreflight preflight = new LengthPreflight(tokenizer, images.config());
		int longest = shapes().stream().mapToInt(preflight::answerTokens).max().orElseThrow();
		List<LengthPreflight.Finding> findings = preflight.check(shapes(), 8, 1024);
		assertThat(findings).singleElement().satisfies(f -> {
			assertThat(f.setting()).isEqualTo("max_completion_length");
			assertThat(f.message()).contains("12 of 12 answers do not fit", "max_completion_length ≥ " + longest);
		});
		assertThat(preflight.check(shapes(), longest, 1024)).as("the value it names fits").isEmpty();
	}

	@Test
	void aPromptLimitBelowTheImageTokensIsRefusedWithTheValueThatFits() {
		LengthPreflight preflight = new LengthPreflight(tokenizer, images.config());
		String template = GrpoConfig.promptTemplate(List.of("rec"));
		int longest = shapes().stream().mapToInt(s -> preflight.promptTokens(s, template)).max().orElseThrow();
		assertThat(preflight.check(shapes(), 256, longest - 1)).singleElement().satisfies(f -> {
			assertThat(f.setting()).isEqualTo("max_prompt_length");
			assertThat(f.message()).contains("takes " + longest + " tokens", "max_prompt_length ≥ " + longest);
		});
		assertThat(preflight.check(shapes(), 256, longest)).isEmpty();
	}

	private static List<LengthPreflight.Sample> shapes() {
		return samples.stream().map(LengthPreflightTests::shape).toList();
	}

	private static LengthPreflight.Sample shape(TrainingSample s) {
		List<int[]> sizes = s.images().stream().map(p -> {
			var image = ImageProcessor.read(p);
			return new int[] { image.getWidth(), image.getHeight() };
		}).toList();
		// the synthetic writer names the task "task"; a stored dataset's samples carry "task_type"
		Object task = s.fields().containsKey("task_type") ? s.fields().get("task_type") : s.fields().get("task");
		return new LengthPreflight.Sample(s.question(), s.solution(), String.valueOf(task), sizes);
	}

}

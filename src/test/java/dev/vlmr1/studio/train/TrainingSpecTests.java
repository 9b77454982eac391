package dev.vlmr1.studio.train;

import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.vlmr1.studio.model.image.ImageProcessor;
import dev.vlmr1.studio.model.image.PreprocessorConfig;

import static org.assertj.core.api.Assertions.assertThat;

/** What the specification's values do in the trainers: each setting is read where it says. */
class TrainingSpecTests {

	@Test
	void theRunsPixelBoundsDriveSmartResizeAndSoTheImageTokenCount() {
		// issue 18: min_pixels and max_pixels were accepted, but the trainer used the checkpoint's (max 6272 here)
		BufferedImage image = new BufferedImage(224, 224, BufferedImage.TYPE_INT_RGB);
		int checkpoint = tokens(ImageProcessor.fromCheckpoint(TrainFixtures.TINY), image);
		int unset = tokens(TrainingSpec.images(TrainFixtures.TINY, TrainingSpec.defaults()), image);
		int small = tokens(TrainingSpec.images(TrainFixtures.TINY, Map.of("max_pixels", 112 * 112)), image);
		int natural = tokens(TrainingSpec.images(TrainFixtures.TINY, Map.of("max_pixels", 224 * 224)), image);
		int large = tokens(TrainingSpec.images(TrainFixtures.TINY, Map.of("min_pixels", 448 * 448, "max_pixels",
				448 * 448)), image);
		// unset, the checkpoint's bounds shrink it to 56 × 56: 4 × 4 patches of 14, merged 2 × 2
		assertThat(unset).isEqualTo(checkpoint).isEqualTo(4);
		assertThat(small).isEqualTo(16);
		// 224² at its own size: 16 × 16 patches
		assertThat(natural).isEqualTo(64);
		assertThat(large).isEqualTo(256);
	}

	@Test
	void aBoundTheRunSetsAloneMustFitTheCheckpointsOther() {
		PreprocessorConfig tiny = ImageProcessor.fromCheckpoint(TrainFixtures.TINY).config(); // 3136 to 6272
		assertThat(TrainingSpec.pixelProblems(tiny, Map.of("min_pixels", 5000))).isEmpty();
		assertThat(TrainingSpec.pixelProblems(tiny, Map.of("min_pixels", 10_000)))
			.containsExactly(new TrainingSpec.Problem("min_pixels", "must be ≤ max_pixels (6272, the checkpoint's)"));
		assertThat(TrainingSpec.pixelProblems(tiny, Map.of("max_pixels", 1000)))
			.containsExactly(new TrainingSpec.Problem("max_pixels", "must be ≥ min_pixels (3136, the checkpoint's)"));
		assertThat(TrainingSpec.pixelProblems(tiny, Map.of("min_pixels", 10_000, "max_pixels", 20_000))).isEmpty();
	}

	@Test
	void theComparisonPageShowsOnlyWhatTheRunsTypeReads() {
		assertThat(TrainingSpec.compared(RunKind.GRPO)).contains("num_generations", "beta", "learning_rate", "lora_r");
		assertThat(TrainingSpec.compared(RunKind.SFT)).contains("learning_rate", "lora_r")
			.doesNotContain("num_generations", "beta");
		assertThat(TrainingSpec.compared(RunKind.EVAL)).containsExactly("max_completion_length", "seed");
	}

	@Test
	void aRunStoredBeforeASettingExistedReadsItsDefault() {
		GrpoConfig config = TrainingSpec.grpo(Map.of("num_generations", 4, "per_device_train_batch_size", 4,
				"num_train_epochs", 1.5), "{question}");
		assertThat(config.numGenerations()).isEqualTo(4);
		assertThat(config.maxCompletionLength()).isEqualTo(256);
		assertThat(config.epsilonHigh()).isEqualTo(config.epsilon());
		// a fractional epoch count of an older run rounds up, as it did
		assertThat(config.numTrainEpochs()).isEqualTo(2);
	}

	@Test
	void everyStepIsRecordedOnlyEveryLoggingStepsAndAtTheEnd() {
		List<Long> printed = new java.util.ArrayList<>();
		MetricSink sink = TrainCommand.everyLoggingStep(3, m -> printed.add(m.step()));
		for (long step = 1; step <= 7; step++) {
			sink.onStep(new StepMetrics(step, 7, Map.of("loss", 0.5)));
		}
		assertThat(printed).containsExactly(3L, 6L, 7L);
	}

	private static int tokens(ImageProcessor processor, BufferedImage image) {
		return processor.process(List.of(image)).tokensPerImage()[0];
	}

}

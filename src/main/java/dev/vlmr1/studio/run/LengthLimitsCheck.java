package dev.vlmr1.studio.run;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Component;

import dev.vlmr1.studio.dataset.DatasetId;
import dev.vlmr1.studio.dataset.DatasetManagement;
import dev.vlmr1.studio.model.image.ImageProcessor;
import dev.vlmr1.studio.model.image.PreprocessorConfig;
import dev.vlmr1.studio.model.tokenizer.QwenTokenizer;
import dev.vlmr1.studio.train.LengthPreflight;
import dev.vlmr1.studio.train.TrainingSpec;

/**
 * Refuses a run whose {@code min_pixels} or {@code max_pixels} contradicts the checkpoint's other bound, a run whose
 * prompts exceed {@code max_prompt_length} (images at the run's {@code min_pixels}/
 * {@code max_pixels} included), and a GRPO run whose completions cannot hold its data's answers, before it is queued
 * ({@link LengthPreflight}): a GRPO run would train at reward 0 until its budget is spent, and any run's memory plan
 * counts on the prompt length. Reads a spread of at most {@value #SAMPLES_CHECKED} samples per dataset.
 */
@Component
class LengthLimitsCheck {

	private static final Logger log = LoggerFactory.getLogger(LengthLimitsCheck.class);

	static final int SAMPLES_CHECKED = 2000;

	private final DatasetManagement datasets;

	LengthLimitsCheck(DatasetManagement datasets) {
		this.datasets = datasets;
	}

	/** The limits the request's data does not fit, as field errors; the completion budget only for runs that sample. */
	List<FieldError> check(RunRequest request, Path modelDir) {
		List<LengthPreflight.Sample> samples = new ArrayList<>();
		for (long id : request.datasetIds()) {
			datasets.sampleShapes(new DatasetId(id), SAMPLES_CHECKED)
				.forEach((s) -> samples.add(new LengthPreflight.Sample(s.question(), s.solution(), s.taskType(), s.imageSizes())));
		}
		int maxCompletion = ((Number) request.hyperparameters().get("max_completion_length")).intValue();
		int maxPrompt = ((Number) request.hyperparameters().get("max_prompt_length")).intValue();
		try (QwenTokenizer tokenizer = QwenTokenizer.load(modelDir)) {
			PreprocessorConfig checkpoint = ImageProcessor.fromCheckpoint(modelDir).config();
			List<FieldError> pixels = TrainingSpec.pixelProblems(checkpoint, request.hyperparameters())
				.stream()
				.map((p) -> new FieldError("hyperparameters." + p.setting(), p.message()))
				.toList();
			if (!pixels.isEmpty()) {
				return pixels;
			}
			var preflight = new LengthPreflight(tokenizer, TrainingSpec.pixels(checkpoint, request.hyperparameters()));
			return preflight.check(samples, maxCompletion, maxPrompt)
				.stream()
				.filter((f) -> request.type() == RunType.GRPO || f.setting().equals("max_prompt_length"))
				.map((f) -> new FieldError("hyperparameters." + f.setting(), f.message()))
				.toList();
		}
		catch (RuntimeException ex) {
			// a checkpoint whose tokenizer or preprocessor cannot be read fails its first attempt with the reason
			log.info("length check skipped for {}: {}", modelDir, ex.toString());
			return List.of();
		}
	}

}

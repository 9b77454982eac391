package dev.vlmr1.studio.executor;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import ai.djl.Device;

import dev.vlmr1.studio.model.image.ImageProcessor;
import dev.vlmr1.studio.model.tokenizer.QwenTokenizer;
import dev.vlmr1.studio.run.RunDetails;
import dev.vlmr1.studio.train.Policy;
import dev.vlmr1.studio.train.TrainingSample;
import dev.vlmr1.studio.train.TrainingSpec;

/**
 * An eval run (issue 6): greedy decoding of the run's model (any catalog model or checkpoint) over its datasets,
 * or a seeded subset of {@code eval_samples} of them. Progress is one step per generation batch; the metrics
 * ({@code eval/rec_accuracy}, {@code eval/ovd_map}, …) and every sample's result are recorded at step 1 once all
 * batches are done. Nothing is checkpointed: a retried attempt evaluates again from the start.
 */
final class EvalJob implements TrainingJob {

	/** The step an eval run's metrics and per-sample results are recorded at. */
	static final int RESULT_STEP = 1;

	private final RunDetails run;

	private final TrainingInputs inputs;

	private final WorkerDevice device;

	EvalJob(RunDetails run, TrainingInputs inputs, WorkerDevice device) {
		this.run = run;
		this.inputs = inputs;
		this.device = device;
	}

	@Override
	public void train(TrainingSession session) throws Exception {
		Device onto = device.device();
		Map<String, Object> hp = session.hyperparameters();
		Path model = inputs.modelDir(run.modelId());
		List<TrainingSample> all = inputs.samples(run.datasetIds());
		int n = TrainerConfigs.integer(hp, "eval_samples"); // 0 = all
		Evaluator evaluator = new Evaluator(Evaluator.subset(all, n, TrainerConfigs.integer(hp, "seed")),
				TrainerConfigs.integer(hp, "eval_batch_size"));
		int batches = evaluator.batches();
		session.declareTotalSteps(batches);
		session.log("evaluating model " + run.modelId() + " on " + evaluator.size() + " of " + all.size() + " samples in "
				+ batches + " batches");
		Evaluator.Outcome outcome;
		try (QwenTokenizer tokenizer = QwenTokenizer.load(model); Policy policy = Policy.load(model, onto)) {
			ImageProcessor images = TrainingSpec.images(model, hp);
			// progress as a metric outside eval/: the compare page's final table ranks every eval/ metric
			outcome = evaluate(evaluator, policy, tokenizer, images, hp, session,
					(done) -> session.reportStep(done, Map.of("progress/eval_batches", (double) done)));
		}
		if (outcome == null) {
			return; // cancelled
		}
		session.reportEvalResults(RESULT_STEP, outcome.results());
		session.reportStep(RESULT_STEP, outcome.metrics());
		session.log("evaluation done: " + outcome.metrics());
	}

	/** Runs the evaluation, {@code progress} after each batch; null when the run was cancelled in between. */
	static Evaluator.Outcome evaluate(Evaluator evaluator, Policy policy, QwenTokenizer tokenizer, ImageProcessor images,
			Map<String, Object> hp, TrainingSession session, java.util.function.IntConsumer progress) {
		int maxNewTokens = TrainerConfigs.integer(hp, "max_completion_length");
		try {
			return evaluator.evaluate(policy, tokenizer, images, maxNewTokens, (done) -> {
				progress.accept(done);
				if (session.stopRequested()) {
					throw new Cancelled();
				}
			});
		}
		catch (Cancelled ex) {
			return null;
		}
		catch (IllegalArgumentException ex) {
			// an unreadable ground truth: the data's fault, not worth a retry
			throw new TrainingFailure(FailureKind.DATA, "cannot evaluate: " + ex.getMessage());
		}
	}

	/** Unwinds an evaluation the run's cancel interrupted between batches. */
	private static final class Cancelled extends RuntimeException {

		Cancelled() {
			super(null, null, false, false);
		}

	}

}

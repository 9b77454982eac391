package dev.vlmr1.studio.executor;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.vlmr1.studio.eval.RecAccuracy;
import dev.vlmr1.studio.eval.RecReport;
import dev.vlmr1.studio.eval.SeededSubset;
import dev.vlmr1.studio.model.image.ImageProcessor;
import dev.vlmr1.studio.model.image.ProcessedImages;
import dev.vlmr1.studio.reward.RewardSample;
import dev.vlmr1.studio.reward.SampleImage;
import dev.vlmr1.studio.run.RunId;
import dev.vlmr1.studio.run.RunState;
import dev.vlmr1.studio.synth.SynthSample;
import dev.vlmr1.studio.synth.SynthTask;
import dev.vlmr1.studio.synth.SyntheticDataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Eval runs executed by an in-process worker with the real {@link EvalJob} on the fixture model: greedy
 * completions over a tiny synthetic REC dataset, metrics and per-sample results recorded under the lease, the
 * accuracy the same number {@link RecAccuracy} gives for the stored predictions; a seeded subset; a dataset with
 * nothing to evaluate fails as DATA.
 */
class EvalJobTests extends ExecutorTestSupport {

	private static final Path FIXTURE = Path.of("src/test/resources/fixtures/qwen2_5_vl_tiny").toAbsolutePath();

	@Test
	void anEvalRunRecordsRecMetricsAndOneResultPerSample() {
		List<SynthSample> samples = new SyntheticDataset(5, 112, 112).generate(SynthTask.REC,
				SyntheticDataset.Split.IN_DOMAIN, 3, "eval-rec");
		long dataset = EvalDatasets.store(jdbc, dataDir.resolve("artifacts"), "eval-rec", samples);
		RunId run = queueEval(dataset, Map.of("eval_samples", 0, "eval_batch_size", 2, "max_completion_length", 6));

		assertThat(worker("w").runOnce()).contains(AttemptResult.SUCCEEDED);

		assertThat(state(run)).isEqualTo(RunState.SUCCEEDED);
		assertThat(jdbc.sql("SELECT total_steps FROM runs WHERE id = ?").param(run.value()).query(Integer.class).single())
			.as("one progress step per batch of 2").isEqualTo(2);
		assertThat(metricsAt(run, 2)).containsEntry("progress/eval_batches", 2.0);
		Map<String, Double> metrics = metricsAt(run, EvalJob.RESULT_STEP);
		assertThat(metrics).containsKeys("eval/rec_accuracy", "eval/rec_mean_iou")
			.doesNotContainKeys("eval/ovd_map", "eval/ovd_ap50");
		List<Map<String, Object>> rows = jdbc.sql("""
				SELECT sample_id, prediction, iou, correct, truth_boxes::text AS truth, image FROM run_eval_results
				WHERE run_id = ? AND step = 1 AND NOT archived ORDER BY idx""")
			.param(run.value()).query().listOfRows();
		assertThat(rows).hasSize(3);
		assertThat(rows).extracting(r -> r.get("sample_id")).containsExactlyElementsOf(samples.stream().map(SynthSample::id).toList());
		assertThat(rows).allSatisfy(r -> assertThat((String) r.get("truth")).startsWith("[{\"box\""));
		assertThat(rows).allSatisfy(r -> assertThat((String) r.get("image")).as("the sample's image sha256").hasSize(64));

		// the stored predictions scored directly with VLM-R1's protocol give the recorded numbers
		ImageProcessor processor = ImageProcessor.fromCheckpoint(FIXTURE);
		List<String> predictions = new ArrayList<>();
		List<RewardSample> truths = new ArrayList<>();
		for (int i = 0; i < samples.size(); i++) {
			predictions.add((String) rows.get(i).get("prediction"));
			truths.add(rewardSample(samples.get(i), processor));
		}
		RecReport direct = RecAccuracy.vlmr1().evaluate(predictions, truths);
		assertThat(metrics.get("eval/rec_accuracy")).isCloseTo(direct.accuracy(), within(1e-12));
		assertThat(metrics.get("eval/rec_mean_iou")).isCloseTo(direct.meanIou(), within(1e-9));
		for (int i = 0; i < samples.size(); i++) {
			assertThat(rows.get(i).get("correct")).isEqualTo(direct.samples().get(i).correct());
			assertThat((Double) rows.get(i).get("iou")).isCloseTo(direct.samples().get(i).iou(), within(1e-9));
		}
	}

	@Test
	void aMixedDatasetRecordsRecAndOvdMetricsAsTheLibraryComputesThem() {
		List<SynthSample> rec = new SyntheticDataset(31, 112, 112).generate(SynthTask.REC,
				SyntheticDataset.Split.IN_DOMAIN, 1, "mix-rec");
		List<SynthSample> ovd = new SyntheticDataset(32, 112, 112).generate(SynthTask.OVD,
				SyntheticDataset.Split.IN_DOMAIN, 2, "mix-ovd");
		List<SynthSample> all = new ArrayList<>(ovd);
		all.addAll(rec);
		long dataset = EvalDatasets.store(jdbc, dataDir.resolve("artifacts"), "eval-mix", all);
		RunId run = queueEval(dataset, Map.of("eval_samples", 0, "eval_batch_size", 4, "max_completion_length", 6));

		assertThat(worker("w").runOnce()).contains(AttemptResult.SUCCEEDED);

		Map<String, Double> metrics = metricsAt(run, EvalJob.RESULT_STEP);
		assertThat(metrics).containsKeys("eval/rec_accuracy", "eval/rec_mean_iou", "eval/ovd_map", "eval/ovd_ap50",
				"eval/ovd_precision", "eval/ovd_recall");
		assertThat(jdbc.sql("SELECT total_steps FROM runs WHERE id = ?").param(run.value()).query(Integer.class).single())
			.as("REC and OVD never share a batch").isEqualTo(2);
		List<Map<String, Object>> rows = jdbc.sql("""
				SELECT sample_id, task_type, prediction, iou FROM run_eval_results WHERE run_id = ? ORDER BY idx""")
			.param(run.value()).query().listOfRows();
		assertThat(rows).extracting(r -> r.get("task_type")).containsExactly("rec", "ovd", "ovd");
		assertThat(rows.get(1).get("iou")).as("OVD has no single IoU").isNull();
		List<String> ovdPredictions = List.of((String) rows.get(1).get("prediction"), (String) rows.get(2).get("prediction"));
		var direct = new dev.vlmr1.studio.eval.OvdMetrics(false).evaluate(ovdPredictions,
				ovd.stream().map(s -> RewardSample.of(s.question(), s.solution())).toList());
		assertThat(metrics.get("eval/ovd_map")).isCloseTo(direct.map(), within(1e-12));
		assertThat(metrics.get("eval/ovd_precision")).isCloseTo(direct.precision(), within(1e-12));
		assertThat(metrics.get("eval/ovd_recall")).isCloseTo(direct.recall(), within(1e-12));
	}

	@Test
	void evalSamplesPicksTheSeededSubset() {
		List<SynthSample> samples = new SyntheticDataset(9, 112, 112).generate(SynthTask.REC,
				SyntheticDataset.Split.IN_DOMAIN, 4, "eval-sub");
		long dataset = EvalDatasets.store(jdbc, dataDir.resolve("artifacts"), "eval-sub", samples);
		RunId run = queueEval(dataset, Map.of("eval_samples", 2, "seed", 7, "eval_batch_size", 4, "max_completion_length", 4));

		assertThat(worker("w").runOnce()).contains(AttemptResult.SUCCEEDED);

		List<String> expected = SeededSubset.indices(4, 2, 7).stream().map(i -> samples.get(i).id()).toList();
		assertThat(jdbc.sql("SELECT sample_id FROM run_eval_results WHERE run_id = ? ORDER BY idx").param(run.value())
			.query(String.class).list()).containsExactlyElementsOf(expected);
	}

	@Test
	void aDatasetWithoutRecOrOvdSamplesFailsAsData() {
		List<SynthSample> samples = new SyntheticDataset(3, 112, 112).generate(SynthTask.COUNTING,
				SyntheticDataset.Split.IN_DOMAIN, 2, "eval-count");
		long dataset = EvalDatasets.store(jdbc, dataDir.resolve("artifacts"), "eval-count", samples);
		RunId run = queueEval(dataset, Map.of("max_completion_length", 4));

		assertThat(worker("w").runOnce()).contains(AttemptResult.FAILED);

		assertThat(state(run)).isEqualTo(RunState.FAILED);
		assertThat(runs.find(run).orElseThrow().stateReason()).startsWith("DATA:").contains("no REC or OVD samples");
		assertThat(jdbc.sql("SELECT count(*) FROM run_eval_results WHERE run_id = ?").param(run.value())
			.query(Integer.class).single()).isZero();
	}

	@Test
	void aGrpoRunWithEvalStepsEvaluatesTheCurrentPolicyEveryNSteps() {
		List<SynthSample> train = new SyntheticDataset(21, 112, 112).generate(SynthTask.REC,
				SyntheticDataset.Split.IN_DOMAIN, 2, "train-rec");
		List<SynthSample> heldOut = new SyntheticDataset(22, 112, 112).generate(SynthTask.REC,
				SyntheticDataset.Split.OUT_OF_DOMAIN, 3, "held-rec");
		long trainSet = EvalDatasets.store(jdbc, dataDir.resolve("artifacts"), "train-rec", train);
		long evalSet = EvalDatasets.store(jdbc, dataDir.resolve("artifacts"), "held-rec", heldOut);
		long model = fixtureModel();
		long id = jdbc.sql("""
				INSERT INTO runs (owner_id, type, state, model_id, eval_dataset_id, reward_terms, hyperparameters, max_attempts)
				VALUES (1, 'GRPO', 'QUEUED', ?, ?, CAST(? AS jsonb), CAST(? AS jsonb), 1) RETURNING id""")
			.params(model, evalSet, "[{\"function\": \"iou\", \"weight\": 1.0}]",
					json(Map.of("max_steps", 2, "num_generations", 2, "per_device_train_batch_size", 2,
							"gradient_accumulation_steps", 1, "max_completion_length", 4, "beta", 0, "eval_steps", 1,
							"eval_samples", 2, "eval_batch_size", 2)))
			.query(Long.class).single();
		jdbc.sql("INSERT INTO run_datasets (run_id, dataset_id, role, position) VALUES (?, ?, 'TRAIN', 0)")
			.params(id, trainSet).update();
		RunId run = new RunId(id);

		assertThat(worker("w").runOnce()).contains(AttemptResult.SUCCEEDED);

		for (int step = 1; step <= 2; step++) {
			assertThat(metricsAt(run, step)).as("step " + step).containsKeys("reward", "loss", "eval/rec_accuracy",
					"eval/rec_mean_iou");
			assertThat(jdbc.sql("SELECT count(*) FROM run_eval_results WHERE run_id = ? AND step = ? AND NOT archived")
				.params(id, step).query(Integer.class).single()).as("eval_samples = 2 results at step " + step).isEqualTo(2);
		}
		assertThat(jdbc.sql("SELECT DISTINCT sample_id FROM run_eval_results WHERE run_id = ?").param(id)
			.query(String.class).list()).allSatisfy(s -> assertThat(s).startsWith("held-rec"));
	}

	private long fixtureModel() {
		return jdbc.sql("INSERT INTO models (owner_id, name, path, model_type) VALUES (1, ?, ?, 'qwen2_5_vl') RETURNING id")
			.params("fixture-" + System.nanoTime(), FIXTURE.toString()).query(Long.class).single();
	}

	private RunId queueEval(long dataset, Map<String, Object> hyperparameters) {
		long model = fixtureModel();
		long id = jdbc.sql("""
				INSERT INTO runs (owner_id, type, state, model_id, hyperparameters, max_attempts)
				VALUES (1, 'EVAL', 'QUEUED', ?, CAST(? AS jsonb), 1) RETURNING id""")
			.params(model, json(hyperparameters)).query(Long.class).single();
		jdbc.sql("INSERT INTO run_datasets (run_id, dataset_id, role, position) VALUES (?, ?, 'TRAIN', 0)")
			.params(id, dataset).update();
		return new RunId(id);
	}

	private Map<String, Double> metricsAt(RunId run, int step) {
		Map<String, Double> out = new java.util.HashMap<>();
		jdbc.sql("SELECT name, value FROM run_metrics WHERE run_id = ? AND step = ? AND NOT archived")
			.params(run.value(), step)
			.query((java.sql.ResultSet rs) -> {
				out.put(rs.getString(1), rs.getDouble(2));
			});
		return out;
	}

	private static RewardSample rewardSample(SynthSample sample, ImageProcessor processor) {
		BufferedImage image = sample.image();
		ProcessedImages processed = processor.process(List.of(image));
		long[] grid = processed.gridThw()[0];
		return RewardSample.of(sample.question(), sample.solution())
			.withImage(new SampleImage(image.getWidth(), image.getHeight(), (int) grid[0], (int) grid[1], (int) grid[2]));
	}

	private static String json(Map<String, Object> values) {
		StringBuilder out = new StringBuilder("{");
		values.forEach((k, v) -> out.append(out.length() > 1 ? "," : "").append('"').append(k).append("\":").append(v));
		return out.append('}').toString();
	}

}

package dev.vlmr1.studio.executor;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.vlmr1.studio.Slow;
import dev.vlmr1.studio.model.QwenVlModel;
import dev.vlmr1.studio.model.lora.LoraExport;
import dev.vlmr1.studio.model.lora.PeftAdapterFiles;
import dev.vlmr1.studio.model.safetensors.DType;
import dev.vlmr1.studio.model.tokenizer.QwenTokenizer;
import dev.vlmr1.studio.run.RunId;
import dev.vlmr1.studio.run.RunState;
import dev.vlmr1.studio.synth.SynthSample;
import dev.vlmr1.studio.synth.SynthTask;
import dev.vlmr1.studio.synth.SyntheticDataset;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An eval run whose model is a LoRA adapter as {@code peft} writes it (no {@code config.json} of its own, only
 * {@code adapter_config.json} naming the base) evaluates the base with the adapter on top: its predictions are
 * exactly those of the same adapter merged into the weights, and not the base's.
 */
@Slow
class EvalOnAdapterTests extends ExecutorTestSupport {

	private static final Path FIXTURE = Path.of("src/test/resources/fixtures/qwen2_5_vl_tiny").toAbsolutePath();

	private static final Path PEFT_ADAPTER = FIXTURE.resolve("peft_lora/adapter");

	@Test
	void anEvalRunOnAnAdapterPredictsWhatTheMergedModelPredicts() throws Exception {
		Path adapter = dataDir.resolve("peft-adapter");
		Files.createDirectories(adapter);
		Files.copy(PEFT_ADAPTER.resolve(PeftAdapterFiles.WEIGHTS), adapter.resolve(PeftAdapterFiles.WEIGHTS));
		Files.writeString(adapter.resolve(PeftAdapterFiles.CONFIG), Files.readString(PEFT_ADAPTER.resolve(PeftAdapterFiles.CONFIG))
			.replace("\"../..\"", "\"" + FIXTURE + "\""));
		assertThat(adapter.resolve("config.json")).as("as peft writes it").doesNotExist();
		Path merged = dataDir.resolve("merged");
		try (QwenVlModel model = QwenVlModel.load(adapter); QwenTokenizer tokenizer = QwenTokenizer.load(FIXTURE)) {
			LoraExport.mergeAndSave(model, FIXTURE, merged, tokenizer.specialTokens(), DType.F32);
		}
		List<SynthSample> samples = new SyntheticDataset(5, 112, 112).generate(SynthTask.REC,
				SyntheticDataset.Split.IN_DOMAIN, 3, "eval-adapter");
		long dataset = EvalDatasets.store(jdbc, dataDir.resolve("artifacts"), "eval-adapter", samples);

		List<String> onAdapter = predictions(evaluate(adapter, dataset));
		List<String> onMerged = predictions(evaluate(merged, dataset));
		List<String> onBase = predictions(evaluate(FIXTURE, dataset));

		assertThat(onAdapter).hasSize(3).isEqualTo(onMerged);
		assertThat(onAdapter).as("the adapter is applied").isNotEqualTo(onBase);
	}

	private RunId evaluate(Path modelDir, long dataset) {
		long model = jdbc.sql("INSERT INTO models (owner_id, name, path, model_type) VALUES (1, ?, ?, 'qwen2_5_vl') RETURNING id")
			.params("eval-adapter-" + System.nanoTime(), modelDir.toString()).query(Long.class).single();
		long id = jdbc.sql("""
				INSERT INTO runs (owner_id, type, state, model_id, hyperparameters, max_attempts)
				VALUES (1, 'EVAL', 'QUEUED', ?, CAST(? AS jsonb), 1) RETURNING id""")
			.params(model, "{\"eval_samples\": 0, \"eval_batch_size\": 3, \"max_completion_length\": 12}")
			.query(Long.class).single();
		jdbc.sql("INSERT INTO run_datasets (run_id, dataset_id, role, position) VALUES (?, ?, 'TRAIN', 0)")
			.params(id, dataset).update();
		RunId run = new RunId(id);
		assertThat(worker("w").runOnce()).contains(AttemptResult.SUCCEEDED);
		assertThat(state(run)).isEqualTo(RunState.SUCCEEDED);
		return run;
	}

	private List<String> predictions(RunId run) {
		return jdbc.sql("SELECT prediction FROM run_eval_results WHERE run_id = ? AND NOT archived ORDER BY idx")
			.param(run.value()).query(String.class).list();
	}

}

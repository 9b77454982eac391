package dev.vlmr1.studio.train;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.vlmr1.studio.model.Weights;
import dev.vlmr1.studio.model.image.ImageProcessor;
import dev.vlmr1.studio.model.lora.LoraConfig;
import dev.vlmr1.studio.model.lora.LoraTargets;
import dev.vlmr1.studio.model.lora.PeftAdapterFiles;
import dev.vlmr1.studio.model.tokenizer.QwenTokenizer;

import static dev.vlmr1.studio.train.LoraGrpoStepTests.snapshot;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * GRPO and SFT training LoRA adapters (with dropout): only the adapters move, the KL reference is the base, the
 * checkpoints are PEFT adapters plus optimizer state, and a run resumed from one continues bit for bit.
 */
class LoraTrainerTests {

	static final LoraConfig LORA = new LoraConfig(4, 8, 0.1, LoraTargets.defaults());

	static GrpoConfig grpo() {
		return GrpoTrainerTests.config().toBuilder().lora(LORA).build();
	}

	record Run(GrpoTrainer trainer, Policy policy, QwenTokenizer tokenizer, List<StepMetrics> steps)
			implements AutoCloseable {

		@Override
		public void close() {
			trainer.close();
			policy.close();
			tokenizer.close();
		}

	}

	static Run start(Path out) {
		Policy policy = Policy.load(TrainFixtures.TINY);
		QwenTokenizer tokenizer = QwenTokenizer.load(TrainFixtures.TINY);
		List<StepMetrics> steps = new ArrayList<>();
		var setup = new GrpoTrainer.Setup(policy, null, tokenizer, ImageProcessor.fromCheckpoint(TrainFixtures.TINY),
				new TestRewards(), GrpoTrainerTests.SAMPLES, steps::add, TrainFixtures.TINY, out);
		return new Run(new GrpoTrainer(setup, grpo()), policy, tokenizer, steps);
	}

	@Test
	void grpoTrainsOnlyTheAdaptersAndResumesExactly(@TempDir Path straightDir, @TempDir Path splitDir) {
		Map<String, float[]> straight;
		try (Run run = start(straightDir); var base = Weights.open(TrainFixtures.TINY)) {
			Map<String, float[]> initial = snapshot(run.policy().lora().parameters());
			for (int i = 0; i < 4; i++) {
				run.trainer().step();
			}
			straight = snapshot(run.policy().lora().parameters());
			assertThat(straight.keySet()).hasSize(2 * 2 * 7)
				.allSatisfy((name) -> assertThat(name).matches("model\\.layers\\.\\d\\..*\\.lora_[AB]\\.weight"));
			assertThat(straight.get("model.layers.0.self_attn.q_proj.lora_B.weight"))
				.isNotEqualTo(initial.get("model.layers.0.self_attn.q_proj.lora_B.weight"));
			run.policy().parameters().forEach((name, p) -> assertThat(p.toFloatArray()).as("frozen " + name)
				.containsExactly(base.floats(name, base.shape(name))));
			// the first step's adapters add zero (B = 0); once they moved, the base (adapters off) differs
			assertThat(run.steps().get(0).get("kl")).isZero();
			assertThat(run.steps().get(3).get("kl")).isPositive();
		}
		Path checkpoint;
		try (Run first = start(splitDir)) {
			first.trainer().step();
			first.trainer().step();
			checkpoint = first.trainer().save();
		}
		for (String file : List.of(PeftAdapterFiles.CONFIG, PeftAdapterFiles.WEIGHTS, "config.json", "tokenizer.json",
				"preprocessor_config.json", "trainer_state.json", "optimizer.safetensors", TrainerCheckpoint.COMMITTED)) {
			assertThat(checkpoint.resolve(file)).as(file).isRegularFile();
		}
		assertThat(checkpoint.resolve("model.safetensors")).as("no copy of the base").doesNotExist();
		try (Run second = start(splitDir)) {
			second.trainer().resumeFrom(checkpoint);
			second.trainer().step();
			second.trainer().step();
			Map<String, float[]> resumed = snapshot(second.policy().lora().parameters());
			resumed.forEach((name, values) -> assertThat(values).as(name).containsExactly(straight.get(name)));
		}
		// the checkpoint is a model directory: the base it names plus the adapter
		try (Policy loaded = Policy.load(checkpoint)) {
			assertThat(loaded.lora().parameters()).hasSize(2 * 2 * 7);
		}
	}

	@Test
	void aLoraRunTakesNoReferenceCopyAndRefusesMismatchedAdapters(@TempDir Path out) {
		try (Policy policy = Policy.load(TrainFixtures.TINY); Policy copy = Policy.load(TrainFixtures.TINY);
				QwenTokenizer tokenizer = QwenTokenizer.load(TrainFixtures.TINY)) {
			var withCopy = new GrpoTrainer.Setup(policy, copy, tokenizer, ImageProcessor.fromCheckpoint(TrainFixtures.TINY),
					new TestRewards(), GrpoTrainerTests.SAMPLES, MetricSink.none(), TrainFixtures.TINY, out);
			assertThatThrownBy(() -> new GrpoTrainer(withCopy, grpo())).hasMessageContaining("adapters off");
			policy.attachLora(new LoraConfig(8, 8, 0, LoraTargets.defaults()), 1);
			var mismatched = new GrpoTrainer.Setup(policy, null, tokenizer, ImageProcessor.fromCheckpoint(TrainFixtures.TINY),
					new TestRewards(), GrpoTrainerTests.SAMPLES, MetricSink.none(), TrainFixtures.TINY, out);
			assertThatThrownBy(() -> new GrpoTrainer(mismatched, grpo())).hasMessageContaining("differ from the run's");
			var full = GrpoTrainerTests.config();
			var fullSetup = new GrpoTrainer.Setup(policy, copy, tokenizer, ImageProcessor.fromCheckpoint(TrainFixtures.TINY),
					new TestRewards(), GrpoTrainerTests.SAMPLES, MetricSink.none(), TrainFixtures.TINY, out);
			assertThatThrownBy(() -> new GrpoTrainer(fullSetup, full)).hasMessageContaining("whole model");
		}
	}

	@Test
	void sftTrainsAdaptersAndResumesExactly(@TempDir Path straightDir, @TempDir Path splitDir) {
		List<TrainingSample> samples = List.of(
				new TrainingSample("a", "Where is the box?", List.of(GrpoTrainerTests.IMAGES.resolve("a_84x56.png")),
						"<answer>[1, 2, 3, 4]</answer>", Map.of()),
				TrainingSample.text("b", "What is 2 + 3?", "<answer>5</answer>"));
		SftConfig config = new SftConfig(1e-2, LrSchedule.Type.CONSTANT, 0, 0, 0.01, 1.0, 1, 2, 1, 8, false, 3, 0,
				"{question}", new LoraConfig(8, 16, 0.1, LoraTargets.preset("decoder_and_vision")));
		List<StepMetrics> steps = new ArrayList<>();
		Map<String, float[]> straight;
		try (Policy policy = Policy.load(TrainFixtures.TINY); QwenTokenizer tokenizer = QwenTokenizer.load(TrainFixtures.TINY);
				SftTrainer trainer = new SftTrainer(new SftTrainer.Setup(policy, tokenizer,
						ImageProcessor.fromCheckpoint(TrainFixtures.TINY), samples, steps::add, TrainFixtures.TINY,
						straightDir), config)) {
			for (int i = 0; i < 6; i++) {
				trainer.step();
			}
			straight = snapshot(policy.lora().parameters());
			assertThat(straight).containsKey("visual.blocks.0.attn.qkv.lora_A.weight");
		}
		assertThat(steps.get(5).get("loss")).as("the adapters learn").isLessThan(steps.get(0).get("loss"));
		Path checkpoint;
		try (Policy policy = Policy.load(TrainFixtures.TINY); QwenTokenizer tokenizer = QwenTokenizer.load(TrainFixtures.TINY);
				SftTrainer trainer = new SftTrainer(new SftTrainer.Setup(policy, tokenizer,
						ImageProcessor.fromCheckpoint(TrainFixtures.TINY), samples, MetricSink.none(), TrainFixtures.TINY,
						splitDir), config)) {
			for (int i = 0; i < 3; i++) {
				trainer.step();
			}
			checkpoint = trainer.save();
		}
		try (Policy policy = Policy.load(TrainFixtures.TINY); QwenTokenizer tokenizer = QwenTokenizer.load(TrainFixtures.TINY);
				SftTrainer trainer = new SftTrainer(new SftTrainer.Setup(policy, tokenizer,
						ImageProcessor.fromCheckpoint(TrainFixtures.TINY), samples, MetricSink.none(), TrainFixtures.TINY,
						splitDir), config)) {
			trainer.resumeFrom(checkpoint);
			for (int i = 0; i < 3; i++) {
				trainer.step();
			}
			snapshot(policy.lora().parameters())
				.forEach((name, values) -> assertThat(values).as(name).containsExactly(straight.get(name)));
		}
	}

}

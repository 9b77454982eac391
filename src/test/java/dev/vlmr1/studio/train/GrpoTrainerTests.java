package dev.vlmr1.studio.train;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import ai.djl.ndarray.NDArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.vlmr1.studio.model.Weights;
import dev.vlmr1.studio.model.image.ImageProcessor;
import dev.vlmr1.studio.model.tokenizer.QwenTokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GrpoTrainerTests {

	static final Path IMAGES = Path.of("src/test/resources/fixtures/images");

	static final List<TrainingSample> SAMPLES = List.of(
			new TrainingSample("a", "Where is the red box?", List.of(IMAGES.resolve("a_84x56.png")), "[1, 2, 3, 4]", Map.of()),
			TrainingSample.text("b", "What is 2 + 3?", "5"),
			new TrainingSample("c", "Count the boxes.", List.of(IMAGES.resolve("e_30x20.png")), "2", Map.of()));

	static GrpoConfig config() {
		return GrpoConfig.builder()
			.numGenerations(4)
			.perDeviceTrainBatchSize(4)
			.gradientAccumulationSteps(2)
			.maxSteps(4)
			.maxCompletionLength(6)
			.learningRate(1e-3)
			.weightDecay(0.01)
			.seed(7)
			.build();
	}

	record Run(GrpoTrainer trainer, Policy policy, Policy reference, QwenTokenizer tokenizer, List<StepMetrics> steps,
			List<RolloutRecord> rollouts) implements AutoCloseable {

		@Override
		public void close() {
			trainer.close();
			policy.close();
			reference.close();
			tokenizer.close();
		}

	}

	static Run start(Path weights, Path out, GrpoConfig config, List<TrainingSample> samples) {
		Policy policy = Policy.load(weights);
		Policy reference = Policy.load(TrainFixtures.TINY);
		QwenTokenizer tokenizer = QwenTokenizer.load(TrainFixtures.TINY);
		List<StepMetrics> steps = new ArrayList<>();
		List<RolloutRecord> rollouts = new ArrayList<>();
		MetricSink sink = new MetricSink() {
			@Override
			public void onStep(StepMetrics metrics) {
				steps.add(metrics);
			}

			@Override
			public void onRollouts(List<RolloutRecord> records) {
				rollouts.addAll(records);
			}
		};
		var setup = new GrpoTrainer.Setup(policy, reference, tokenizer, ImageProcessor.fromCheckpoint(TrainFixtures.TINY),
				new TestRewards(), samples, sink, TrainFixtures.TINY, out);
		return new Run(new GrpoTrainer(setup, config), policy, reference, tokenizer, steps, rollouts);
	}

	@Test
	void twoStepsThenResumeThenTwoStepsEqualsFourSteps(@TempDir Path straightDir, @TempDir Path splitDir) {
		Map<String, float[]> straight;
		try (Run run = start(TrainFixtures.TINY, straightDir, config(), SAMPLES)) {
			for (int i = 0; i < 4; i++) {
				run.trainer().step();
			}
			straight = snapshot(run.policy().parameters());
			assertThat(run.steps()).hasSize(4);
		}
		Path checkpoint;
		try (Run first = start(TrainFixtures.TINY, splitDir, config(), SAMPLES)) {
			first.trainer().step();
			first.trainer().step();
			checkpoint = first.trainer().save();
		}
		assertThat(checkpoint.getFileName().toString()).isEqualTo("checkpoint-2");
		for (String file : List.of("config.json", "model.safetensors", "generation_config.json", "tokenizer.json",
				"preprocessor_config.json", "trainer_state.json", "optimizer.safetensors", "rng_state.json",
				TrainerCheckpoint.COMMITTED)) {
			assertThat(checkpoint.resolve(file)).as(file).isRegularFile();
		}
		assertThat(TrainerCheckpoint.latest(splitDir)).contains(checkpoint);
		try (Run second = start(checkpoint, splitDir, config(), SAMPLES)) {
			second.trainer().resumeFrom(checkpoint);
			assertThat(second.trainer().globalStep()).isEqualTo(2);
			second.trainer().step();
			second.trainer().step();
			Map<String, float[]> resumed = snapshot(second.policy().parameters());
			assertThat(resumed.keySet()).isEqualTo(straight.keySet());
			resumed.forEach((name, values) -> assertThat(values).as(name).containsExactly(straight.get(name)));
			assertThat(second.steps().get(1).step()).isEqualTo(4);
		}
	}

	@Test
	void stepsReportTrlMetricsAndRollouts(@TempDir Path out) {
		try (Run run = start(TrainFixtures.TINY, out, config(), SAMPLES)) {
			StepMetrics metrics = run.trainer().step();
			assertThat(metrics.values()).containsKeys("loss", "grad_norm", "learning_rate", "epoch", "reward",
					"reward_std", "rewards/format_chars/mean", "rewards/format_chars/std", "frac_reward_zero_std", "kl",
					"clip_ratio/region_mean", "clip_ratio/low_mean", "clip_ratio/high_mean", "completions/mean_length",
					"completions/min_length", "completions/max_length", "completions/clipped_ratio", "num_tokens",
					"step_time", "time/rollout", "time/reward", "time/train", "time/optimizer");
			assertThat(metrics.get("learning_rate")).isEqualTo(1e-3); // linear decay, step 0 of 4
			assertThat(metrics.get("completions/max_length")).isLessThanOrEqualTo(6);
			assertThat(metrics.get("grad_norm")).isPositive();
			// 2 prompts of 3 per step
			assertThat(metrics.get("epoch")).isEqualTo(2.0 / 3);
			assertThat(run.rollouts()).hasSize(4).allSatisfy((r) -> assertThat(r.step()).isEqualTo(1));
			// μ = 1 and ratio 1: nothing clipped at the first step
			assertThat(metrics.get("clip_ratio/region_mean")).isZero();
			assertThat(metrics.get("kl")).isZero();
		}
	}

	@Test
	void frozenVisionLeavesTheVisionTowerUntouched(@TempDir Path out) {
		GrpoConfig frozen = config().toBuilder().freezeVision(true).build();
		try (Run run = start(TrainFixtures.TINY, out, frozen, SAMPLES); var base = Weights.open(TrainFixtures.TINY)) {
			run.trainer().step();
			String vision = "visual.blocks.0.attn.qkv.weight";
			String text = "model.layers.0.mlp.up_proj.weight";
			assertThat(run.policy().parameters().get(vision).toFloatArray())
				.containsExactly(base.floats(vision, base.shape(vision)));
			assertThat(run.policy().parameters().get(text).toFloatArray())
				.isNotEqualTo(base.floats(text, base.shape(text)));
		}
	}

	@Test
	void rejectsAPositiveBetaWithoutReferenceAndUncommittedCheckpoints(@TempDir Path out) throws Exception {
		try (Run run = start(TrainFixtures.TINY, out, config(), SAMPLES)) {
			var noRef = new GrpoTrainer.Setup(run.policy(), null, run.tokenizer(),
					ImageProcessor.fromCheckpoint(TrainFixtures.TINY), new TestRewards(), SAMPLES, MetricSink.none(),
					TrainFixtures.TINY, out);
			assertThatThrownBy(() -> new GrpoTrainer(noRef, config())).hasMessageContaining("reference");
			Path half = Files.createDirectories(out.resolve("checkpoint-9"));
			assertThatThrownBy(() -> run.trainer().resumeFrom(half)).hasMessageContaining("COMMITTED");
			assertThat(TrainerCheckpoint.latest(out)).isEmpty();
		}
		assertThatThrownBy(() -> config().toBuilder().perDeviceTrainBatchSize(6).build())
			.hasMessageContaining("multiple of num_generations");
	}

	@Test
	void numIterationsReusesRolloutsAndSkippingZeroVarianceGroupsLeavesNothingToLearn(@TempDir Path out) {
		GrpoConfig twice = config().toBuilder().numGenerations(2).perDeviceTrainBatchSize(2).gradientAccumulationSteps(1)
			.maxCompletionLength(3).numIterations(2).maxSteps(3).build();
		try (Run run = start(TrainFixtures.TINY, out, twice, SAMPLES)) {
			StepMetrics first = run.trainer().step();
			StepMetrics second = run.trainer().step();
			// the second iteration trains on the same rollouts: same rewards, no new prompt drawn
			assertThat(run.rollouts()).hasSize(2);
			assertThat(second.get("epoch")).isEqualTo(first.get("epoch"));
			assertThat(second.get("reward")).isEqualTo(first.get("reward"));
			run.trainer().step();
			assertThat(run.rollouts()).hasSize(4);
		}
		GrpoConfig skipping = config().toBuilder().skipZeroVarianceGroups(true).maxSteps(1).build();
		try (Run run = start(TrainFixtures.TINY, out, skipping, SAMPLES)) {
			var constant = new GrpoTrainer.Setup(run.policy(), run.reference(), run.tokenizer(),
					ImageProcessor.fromCheckpoint(TrainFixtures.TINY), new ConstantRewards(), SAMPLES, MetricSink.none(),
					TrainFixtures.TINY, out);
			Map<String, float[]> before = snapshot(run.policy().parameters());
			try (GrpoTrainer trainer = new GrpoTrainer(constant, skipping)) {
				StepMetrics metrics = trainer.step();
				assertThat(metrics.get("frac_reward_zero_std")).isEqualTo(1.0);
				assertThat(metrics.get("grad_norm")).isZero();
			}
			snapshot(run.policy().parameters()).forEach((name, values) -> assertThat(values).as(name)
				.containsExactly(before.get(name)));
		}
	}

	/** Every completion scores 1: all groups have zero variance. */
	static final class ConstantRewards implements RewardScorer {

		@Override
		public List<String> functionNames() {
			return List.of("one");
		}

		@Override
		public Scores score(List<Request> requests) {
			double[] ones = new double[requests.size()];
			java.util.Arrays.fill(ones, 1.0);
			return new Scores(ones, Map.of("one", ones));
		}

	}

	static Map<String, float[]> snapshot(Map<String, NDArray> params) {
		Map<String, float[]> out = new java.util.TreeMap<>();
		params.forEach((name, p) -> out.put(name, p.toFloatArray()));
		return out;
	}

}

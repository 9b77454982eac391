package dev.vlmr1.studio.train;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.vlmr1.studio.model.image.ImageProcessor;
import dev.vlmr1.studio.model.tokenizer.QwenTokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The GRPO trainer runs backward per micro-batch and frees that micro-batch's activations before the next one; the
 * gradients add up across micro-batches, so two micro-batches of one prompt each give the step of one micro-batch of
 * both prompts: the same global gradient norm (to 1e-5 relative: the one batch pads both prompts to a common length,
 * which moves float sums in the last bits) and loss. The same holds with gradient checkpointing.
 *
 * <p>Completions are greedy ({@code top_k = 1}), so both runs sample the same ones whatever their sampling seeds. The
 * completions of a group are then alike and their advantages cancel; the gradient comes from the KL term against a
 * reference that differs from the policy (the fixture's {@code ref_model}).
 */
class GradientAccumulationTests {

	static final double TOLERANCE = 1e-5;

	@Test
	void twoMicroBatchesGiveTheStepOfOneBatchHoldingBoth(@TempDir Path a, @TempDir Path b) {
		GrpoConfig micro = GrpoTrainerTests.config().toBuilder().topK(1).build(); // G = 4, 4 per micro-batch, 2 micro-batches
		GrpoConfig whole = micro.toBuilder().perDeviceTrainBatchSize(8).gradientAccumulationSteps(1).build();
		assertSameStep(firstStep(micro, a), firstStep(whole, b));
	}

	@Test
	void withGradientCheckpointingTheAccumulatedStepIsTheSame(@TempDir Path a, @TempDir Path b) {
		GrpoConfig micro = GrpoTrainerTests.config().toBuilder().topK(1).build();
		GrpoConfig checkpointed = micro.toBuilder().gradientCheckpointing(true).build();
		assertSameStep(firstStep(checkpointed, a), firstStep(micro, b));
	}

	private static void assertSameStep(StepMetrics actual, StepMetrics expected) {
		assertThat(expected.get("grad_norm")).isPositive();
		assertThat(actual.get("grad_norm")).isCloseTo(expected.get("grad_norm"),
				within(TOLERANCE * expected.get("grad_norm")));
		assertThat(expected.get("kl")).isPositive();
		assertThat(actual.get("loss")).isCloseTo(expected.get("loss"), within(TOLERANCE * Math.abs(expected.get("loss"))));
		assertThat(actual.get("kl")).isCloseTo(expected.get("kl"), within(TOLERANCE * expected.get("kl")));
	}

	private static StepMetrics firstStep(GrpoConfig config, Path out) {
		try (Policy policy = Policy.load(TrainFixtures.TINY); Policy reference = Policy.load(TrainFixtures.GRPO.resolve("ref_model"));
				QwenTokenizer tokenizer = QwenTokenizer.load(TrainFixtures.TINY)) {
			MetricSink sink = (m) -> {
			};
			var setup = new GrpoTrainer.Setup(policy, reference, tokenizer, ImageProcessor.fromCheckpoint(TrainFixtures.TINY),
					new TestRewards(), GrpoTrainerTests.SAMPLES, sink, TrainFixtures.TINY, out);
			try (GrpoTrainer trainer = new GrpoTrainer(setup, config)) {
				return trainer.step();
			}
		}
	}

}

package dev.vlmr1.studio.train;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.vlmr1.studio.model.image.ImageProcessor;
import dev.vlmr1.studio.model.tokenizer.QwenTokenizer;

import static org.assertj.core.api.Assertions.assertThat;

class SftTrainerTests {

	@Test
	void memorisesAnswersAndCheckpoints(@TempDir Path out) {
		List<TrainingSample> samples = List.of(
				new TrainingSample("a", "Where is the box?", List.of(GrpoTrainerTests.IMAGES.resolve("a_84x56.png")),
						"<answer>[1, 2, 3, 4]</answer>", java.util.Map.of()),
				TrainingSample.text("b", "What is 2 + 3?", "<answer>5</answer>"));
		SftConfig config = new SftConfig(3e-3, LrSchedule.Type.CONSTANT, 0, 0, 0, 1.0, 2, 1, 1, 12, false, 3, 0,
				"{question}");
		List<StepMetrics> steps = new ArrayList<>();
		try (Policy policy = Policy.load(TrainFixtures.TINY); QwenTokenizer tokenizer = QwenTokenizer.load(TrainFixtures.TINY);
				SftTrainer trainer = new SftTrainer(new SftTrainer.Setup(policy, tokenizer,
						ImageProcessor.fromCheckpoint(TrainFixtures.TINY), samples, steps::add, TrainFixtures.TINY, out),
						config)) {
			trainer.train();
		}
		assertThat(steps).hasSize(12);
		// a random model starts near ln(1024) ≈ 6.9 nats; the two answers are memorised well below that
		assertThat(steps.get(0).get("loss")).isGreaterThan(5.0);
		assertThat(steps.get(11).get("loss")).isLessThan(steps.get(0).get("loss") / 2);
		assertThat(TrainerCheckpoint.latest(out)).hasValueSatisfying(
				(dir) -> assertThat(dir.getFileName().toString()).isEqualTo("checkpoint-12"));
		assertThat(steps.get(11).get("epoch")).isEqualTo(12.0);
	}

}

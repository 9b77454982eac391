package dev.vlmr1.studio.plan;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.vlmr1.studio.Slow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The plan's estimate against the measured peak memory of real GRPO training on the tiny model: within 25 %. At this
 * size the worker's heap and runtime are the memory, so this holds the plan's reserved part to account; the tensors
 * of a mid-size model are measured by {@link MemoryPlanBenchmark} (minutes on two cores).
 */
@Slow
class MemoryPlanMeasurementTests {

	static final double TOLERANCE = 0.25;

	@TempDir
	Path dir;

	/** Peak memory and training time with gradient checkpointing against the same run without. */
	static void printCheckpointingRatio(MemoryMeasurements.Comparison plain, MemoryMeasurements.Comparison checkpointed) {
		System.out.printf(java.util.Locale.ROOT,
				"gradient checkpointing: peak %s vs %s (%.2f), training time %.2f s vs %.2f s (%.2f)%n",
				ByteSize.format(checkpointed.measured()), ByteSize.format(plain.measured()),
				(double) checkpointed.measured() / plain.measured(), checkpointed.trainSeconds(), plain.trainSeconds(),
				checkpointed.trainSeconds() / plain.trainSeconds());
	}

	@Test
	void grpoOnTheTinyModelPeaksWhereThePlanSays() throws Exception {
		var measured = new MemoryMeasurements(dir).compare("tiny GRPO", MemoryMeasurements.TINY, "grpo", 32,
				Map.of("num_generations", 2, "per_device_train_batch_size", 2, "beta", 0.04));
		assertThat(measured.ratio()).as(measured.toString()).isCloseTo(1.0, within(TOLERANCE));
	}

	@Test
	void grpoWithGradientCheckpointingOnTheTinyModelPeaksWhereThePlanSays() throws Exception {
		var measured = new MemoryMeasurements(dir).compare("tiny GRPO, gradient checkpointing", MemoryMeasurements.TINY,
				"grpo", 32, Map.of("num_generations", 2, "per_device_train_batch_size", 2, "beta", 0.04,
						"gradient_checkpointing", true));
		assertThat(measured.ratio()).as(measured.toString()).isCloseTo(1.0, within(TOLERANCE));
	}

}

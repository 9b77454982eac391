package dev.vlmr1.studio.train;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class LrScheduleTests {

	@Test
	void linearWithoutWarmupDecaysToZeroAtTheLastStep() {
		// VLM-R1's default: lr 1e-6, linear, 10 steps → step k uses 1e-6 · (10 − k) / 10
		var schedule = LrSchedule.of(LrSchedule.Type.LINEAR, 1e-6, 10, 0, 0);
		assertThat(schedule.learningRate(0)).isEqualTo(1e-6);
		assertThat(schedule.learningRate(3)).isCloseTo(0.7e-6, within(1e-18));
		assertThat(schedule.learningRate(10)).isZero();
		assertThat(schedule.learningRate(12)).isZero();
	}

	@Test
	void warmupRampsFromZeroThenLinearDecayStartsAtOne() {
		var schedule = LrSchedule.of(LrSchedule.Type.LINEAR, 1.0, 10, 2, 0);
		assertThat(schedule.multiplier(0)).isZero();
		assertThat(schedule.multiplier(1)).isEqualTo(0.5);
		assertThat(schedule.multiplier(2)).isEqualTo(1.0);
		assertThat(schedule.multiplier(6)).isEqualTo(0.5); // (10 − 6) / (10 − 2)
	}

	@Test
	void cosineFollowsHalfACosineAfterWarmup() {
		// 20 steps, warmup ratio 0.1 → ⌈2.0⌉ = 2 warmup steps, 18 decay steps
		var schedule = LrSchedule.of(LrSchedule.Type.COSINE, 2.0, 20, 0, 0.1);
		assertThat(schedule.warmupSteps()).isEqualTo(2);
		assertThat(schedule.learningRate(1)).isEqualTo(1.0);
		assertThat(schedule.learningRate(2)).isEqualTo(2.0);
		assertThat(schedule.learningRate(11)).isCloseTo(1.0, within(1e-12)); // halfway: cos(π/2) = 0
		assertThat(schedule.learningRate(17)).isCloseTo(1 + Math.cos(Math.PI * 15 / 18), within(1e-12));
		assertThat(schedule.learningRate(20)).isCloseTo(0.0, within(1e-12));
	}

	@Test
	void constantIgnoresWarmupAsHuggingFaceDoesButConstantWithWarmupRamps() {
		assertThat(LrSchedule.of(LrSchedule.Type.CONSTANT, 3.0, 10, 4, 0).learningRate(0)).isEqualTo(3.0);
		var warm = LrSchedule.of(LrSchedule.Type.CONSTANT_WITH_WARMUP, 3.0, 10, 4, 0);
		assertThat(warm.learningRate(1)).isEqualTo(0.75);
		assertThat(warm.learningRate(9)).isEqualTo(3.0);
	}

	@Test
	void warmupRatioRoundsUp() {
		assertThat(LrSchedule.of(LrSchedule.Type.LINEAR, 1, 15, 0, 0.1).warmupSteps()).isEqualTo(2);
		assertThat(LrSchedule.of(LrSchedule.Type.LINEAR, 1, 15, 3, 0.5).warmupSteps()).isEqualTo(3);
	}

	@Test
	void rejectsBadSettings() {
		assertThatThrownBy(() -> LrSchedule.of(LrSchedule.Type.LINEAR, 1, 0, 0, 0)).isInstanceOf(IllegalArgumentException.class);
		assertThatThrownBy(() -> LrSchedule.of(LrSchedule.Type.LINEAR, 1, 10, 0, 1.5)).hasMessageContaining("ratio");
		assertThatThrownBy(() -> LrSchedule.Type.parse("polynomial")).hasMessageContaining("cosine");
		assertThat(LrSchedule.Type.parse("constant_with_warmup")).isEqualTo(LrSchedule.Type.CONSTANT_WITH_WARMUP);
	}

}

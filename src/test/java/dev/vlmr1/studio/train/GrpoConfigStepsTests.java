package dev.vlmr1.studio.train;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The run's step count is computed without wrapping around (issue 11 class 7: overflow-safe arithmetic). */
class GrpoConfigStepsTests {

	@Test
	void stepsAreEpochsTimesBatchesTimesIterations() {
		GrpoConfig config = GrpoConfig.defaults().toBuilder().numTrainEpochs(3).numIterations(2).build();
		// one prompt per step by default: 10 prompts, 3 epochs, μ = 2
		assertThat(config.totalSteps(10)).isEqualTo(60);
		assertThat(config.toBuilder().maxSteps(7).build().totalSteps(10)).isEqualTo(7);
	}

	@Test
	void aStepCountBeyondAnIntIsRefusedInsteadOfWrapping() {
		GrpoConfig config = GrpoConfig.defaults().toBuilder().numTrainEpochs(100).numIterations(64).build();
		// 100 × 2,000,000 × 64 = 12.8e9 wrapped to a meaningless int before
		assertThatThrownBy(() -> config.totalSteps(2_000_000)).isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("12800000000 optimiser steps");
		GrpoConfig wide = GrpoConfig.defaults().toBuilder().perDeviceTrainBatchSize(16).numGenerations(8)
			.numTrainEpochs(1)
			.build();
		// ceil(samples / prompts per step) without samples + prompts − 1 wrapping at Integer.MAX_VALUE
		assertThat(wide.totalSteps(Integer.MAX_VALUE)).isEqualTo(1 << 30);
	}

}

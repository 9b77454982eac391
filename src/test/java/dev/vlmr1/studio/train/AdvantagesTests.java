package dev.vlmr1.studio.train;

import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class AdvantagesTests {

	@Test
	void groupScalingReproducesTheReferenceStep() {
		try (NDManager manager = NDManager.newBaseManager()) {
			var in = TrainFixtures.floats(manager, TrainFixtures.GRPO.resolve("inputs.safetensors"));
			float[] advantages = Advantages.compute(in.get("rewards").toFloatArray(), 4, ScaleRewards.GROUP);
			float[] expected = in.get("advantages").toFloatArray();
			for (int i = 0; i < expected.length; i++) {
				assertThat(advantages[i]).isCloseTo(expected[i], within(1e-5f * Math.abs(expected[i])));
			}
		}
	}

	@Test
	void batchScalingUsesOneStdOverAllCompletions() {
		// groups {0, 2} and {1, 1}: batch std (Bessel) of [0, 2, 1, 1] = sqrt(2/3)
		float[] a = Advantages.compute(new float[] { 0, 2, 1, 1 }, 2, ScaleRewards.BATCH);
		double std = Math.sqrt(2.0 / 3.0) + 1e-4;
		assertThat(a).containsExactly(new float[] { (float) (-1 / std), (float) (1 / std), 0f, 0f }, within(1e-6f));
	}

	@Test
	void noScalingOnlyCentresEachGroup() {
		float[] a = Advantages.compute(new float[] { 0, 2, 3, 3, 3, 5 }, 3, ScaleRewards.NONE);
		assertThat(a).containsExactly(new float[] { -5f / 3, 1f / 3, 4f / 3, -2f / 3, -2f / 3, 4f / 3 }, within(1e-6f));
	}

	@Test
	void equalRewardsGiveZeroAdvantageAndAreFlaggedAsZeroStd() {
		float[] rewards = { 1, 1, 1, 0.5f, 0.5f, 0 };
		assertThat(Advantages.compute(rewards, 3, ScaleRewards.GROUP)).startsWith(0f, 0f, 0f);
		assertThat(Advantages.zeroStdGroups(rewards, 3)).containsExactly(true, false);
	}

	@Test
	void rejectsGroupsThatDoNotDivideTheBatch() {
		assertThatThrownBy(() -> Advantages.compute(new float[] { 1, 2, 3 }, 2, ScaleRewards.GROUP))
			.hasMessageContaining("groups of 2");
		assertThatThrownBy(() -> Advantages.compute(new float[] { 1, 2 }, 1, ScaleRewards.GROUP))
			.hasMessageContaining("at least 2");
		assertThatThrownBy(() -> ScaleRewards.parse("std")).isInstanceOf(IllegalArgumentException.class);
		assertThat(ScaleRewards.parse("false")).isEqualTo(ScaleRewards.NONE);
	}

}

package dev.vlmr1.studio.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.vlmr1.studio.train.LearningSignal.Alarm;
import dev.vlmr1.studio.train.LearningSignal.Problem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LearningSignalTests {

	@Test
	void nothingIsJudgedBeforeAWholeWindowOfSteps() {
		LearningSignal signal = new LearningSignal(3, 32);
		assertThat(signal.observe(1, step(1.0, 1.0))).isEmpty();
		assertThat(signal.observe(2, step(1.0, 1.0))).isEmpty();
		assertThat(signal.observe(3, step(1.0, 1.0))).extracting(Alarm::problem).containsExactly(Problem.TRUNCATION);
	}

	@Test
	void truncationNamesTheLimitTheShareAndWhatToChange() {
		LearningSignal signal = new LearningSignal(2, 32);
		signal.observe(1, step(1.0, 1.0));
		Alarm alarm = signal.observe(2, step(0.9, 1.0)).get(0);
		assertThat(alarm.step()).isEqualTo(2);
		assertThat(alarm.message()).contains("max_completion_length = 32", "95% of the last 2 steps", "Raise max_completion_length");
	}

	@Test
	void truncationExplainsZeroVarianceSoOnlyTheCauseIsRaised() {
		LearningSignal signal = new LearningSignal(1, 32);
		assertThat(signal.observe(1, step(1.0, 1.0))).extracting(Alarm::problem).containsExactly(Problem.TRUNCATION);
	}

	@Test
	void groupsThatAllScoreAlikeRaiseNoRewardVariance() {
		LearningSignal signal = new LearningSignal(2, 256);
		signal.observe(1, step(0.0, 1.0));
		List<Alarm> alarms = signal.observe(2, step(0.1, 0.9));
		assertThat(alarms).extracting(Alarm::problem).containsExactly(Problem.NO_REWARD_VARIANCE);
		assertThat(alarms.get(0).message()).contains("95% of the groups", "num_generations", "rewards/<fn>/parsed");
	}

	@Test
	void anAlarmIsRaisedOncePerEpisodeAndAgainAfterItCleared() {
		LearningSignal signal = new LearningSignal(2, 32);
		List<Long> raisedAt = new ArrayList<>();
		double[] clipped = { 1, 1, 1, 1, 0, 0, 1, 1 };
		for (int i = 0; i < clipped.length; i++) {
			signal.observe(i + 1, step(clipped[i], 1.0)).forEach(a -> raisedAt.add(a.step()));
		}
		assertThat(raisedAt).containsExactly(2L, 8L);
	}

	@Test
	void aHealthyRunRaisesNothing() {
		LearningSignal signal = new LearningSignal(3, 256);
		for (int i = 1; i <= 20; i++) {
			assertThat(signal.observe(i, step(0.5, 0.5))).isEmpty();
		}
	}

	@Test
	void stepsWithoutRolloutsAreNotJudged() {
		LearningSignal signal = new LearningSignal(1, 256);
		assertThat(signal.observe(1, Map.of("loss", 0.3))).isEmpty();
	}

	@Test
	void theWindowMustHoldAStep() {
		assertThatThrownBy(() -> new LearningSignal(0, 32)).isInstanceOf(IllegalArgumentException.class);
	}

	private static Map<String, Double> step(double clippedRatio, double fracZeroStd) {
		return Map.of("completions/clipped_ratio", clippedRatio, "frac_reward_zero_std", fracZeroStd,
				"completions/mean_length", 32.0, "reward", 0.0);
	}

}

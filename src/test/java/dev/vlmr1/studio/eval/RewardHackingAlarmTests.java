package dev.vlmr1.studio.eval;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RewardHackingAlarmTests {

	private static List<EvalPoint> curve(double[] reward, double[] metric) {
		List<EvalPoint> points = new ArrayList<>();
		for (int i = 0; i < reward.length; i++) {
			points.add(new EvalPoint(100L * (i + 1), reward[i], metric[i]));
		}
		return points;
	}

	private static final double[] RISING = { 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95 };

	@Test
	void firesWhenTheMetricTurnsDownWhileTheRewardKeepsRising() {
		double[] metric = { 0.30, 0.35, 0.40, 0.45, 0.50, 0.48, 0.44, 0.40, 0.36, 0.30 };
		var alarm = RewardHackingAlarm.defaults();
		AlarmDecision first = alarm.firstAlarm(curve(RISING, metric)).orElseThrow();
		// window [500, 600, 700]: 0.50 → 0.44; [400..600] ends at 0.48, net +0.03, does not fire
		assertThat(first.fromStep()).isEqualTo(500);
		assertThat(first.toStep()).isEqualTo(700);
		assertThat(first.metricChange()).isCloseTo(-0.06, org.assertj.core.api.Assertions.within(1e-12));
		assertThat(first.message()).contains("fell by 0.0600");
		assertThat(alarm.check(curve(RISING, metric)).raised()).isTrue();
	}

	@Test
	void silentWhenBothRise() {
		double[] metric = { 0.30, 0.32, 0.35, 0.36, 0.40, 0.41, 0.45, 0.46, 0.50, 0.52 };
		assertThat(RewardHackingAlarm.defaults().firstAlarm(curve(RISING, metric))).isEmpty();
	}

	@Test
	void silentWhenTheRewardIsFlat() {
		double[] flat = { 0.5, 0.5, 0.5, 0.5, 0.5 };
		double[] falling = { 0.5, 0.4, 0.3, 0.2, 0.1 };
		assertThat(RewardHackingAlarm.defaults().firstAlarm(curve(flat, falling))).isEmpty();
	}

	@Test
	void oneNoisyEvaluationDoesNotFire() {
		// the last point dips below the first by 0.02, but the window's least-squares trend is up (slope 0.006)
		double[] metric = { 0.40, 0.70, 0.75, 0.80, 0.38 };
		double[] reward = { 0.1, 0.2, 0.3, 0.4, 0.5 };
		var alarm = new RewardHackingAlarm(5, 0.0, 0.01);
		assertThat(alarm.check(curve(reward, metric)).raised()).isFalse();
		// and a drop smaller than the threshold does not fire either
		assertThat(RewardHackingAlarm.defaults()
			.check(curve(new double[] { 0.1, 0.2, 0.3 }, new double[] { 0.500, 0.498, 0.495 }))
			.raised()).isFalse();
	}

	@Test
	void needsKEvaluations() {
		AlarmDecision d = RewardHackingAlarm.defaults().check(curve(new double[] { 0.1, 0.9 }, new double[] { 0.9, 0.1 }));
		assertThat(d.raised()).isFalse();
		assertThat(d.message()).isEqualTo("needs 3 evaluations, has 2");
	}

	@Test
	void rejectsBadSettingsAndValues() {
		assertThatThrownBy(() -> new RewardHackingAlarm(1, 0, 0)).isInstanceOf(IllegalArgumentException.class);
		assertThatThrownBy(() -> new RewardHackingAlarm(3, Double.NaN, 0)).isInstanceOf(IllegalArgumentException.class);
		assertThatThrownBy(() -> RewardHackingAlarm.defaults()
			.check(curve(new double[] { 0.1, Double.NaN, 0.3 }, new double[] { 0.5, 0.4, 0.3 })))
			.hasMessageContaining("step 200");
	}

}

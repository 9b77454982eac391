package dev.vlmr1.studio.compare;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.vlmr1.studio.run.MetricPoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/** Final and best values, metric directions and the order of metrics in a comparison. */
class FinalMetricTests {

	@Test
	void lastAndBestOfAHigherIsBetterMetric() {
		FinalMetric f = FinalMetric.of("eval/rec_accuracy",
				List.of(new MetricPoint(0, 0.2), new MetricPoint(10, 0.6), new MetricPoint(20, 0.6), new MetricPoint(30, 0.5)));
		assertThat(f.eval()).isTrue();
		assertThat(f.direction()).isEqualTo(MetricDirection.HIGHER);
		assertThat(f.lastStep()).isEqualTo(30);
		assertThat(f.last()).isEqualTo(0.5);
		// ties keep the first step that reached the best value
		assertThat(f.bestStep()).isEqualTo(10);
		assertThat(f.best()).isEqualTo(0.6);
		assertThat(f.points()).isEqualTo(4);
	}

	@Test
	void lossIsBestWhenLowestAndNanIsNeverBest() {
		FinalMetric f = FinalMetric.of("loss", List.of(new MetricPoint(1, Double.NaN), new MetricPoint(2, 0.9),
				new MetricPoint(3, 0.4), new MetricPoint(4, Double.NaN)));
		assertThat(f.eval()).isFalse();
		assertThat(f.best()).isEqualTo(0.4);
		assertThat(f.bestStep()).isEqualTo(3);
		assertThat(f.last()).isNaN();
		assertThat(f.lastText()).isEqualTo("NaN");

		FinalMetric allNan = FinalMetric.of("kl", List.of(new MetricPoint(1, Double.NaN)));
		assertThat(allNan.best()).isNull();
		assertThat(allNan.bestStep()).isNull();
	}

	@Test
	void metricsWithoutADirectionHaveNoBestValue() {
		FinalMetric lr = FinalMetric.of("learning_rate", List.of(new MetricPoint(1, 1e-6), new MetricPoint(2, 5e-7)));
		assertThat(lr.direction()).isEqualTo(MetricDirection.NONE);
		assertThat(lr.best()).isNull();
		assertThat(lr.bestText()).isEmpty();
		assertThat(lr.lastText()).isEqualTo("5.000e-07");
		assertThatIllegalArgumentException().isThrownBy(() -> FinalMetric.of("loss", List.of()));
	}

	@Test
	void directionsOfGrpoAndEvaluationMetricNames() {
		assertThat(List.of("reward", "rewards/iou/mean", "eval/ovd_map", "eval/ood/rec_accuracy", "eval_ap50",
				"eval/recall"))
			.allSatisfy(m -> assertThat(MetricDirection.of(m)).as(m).isEqualTo(MetricDirection.HIGHER));
		assertThat(List.of("loss", "kl", "grad_norm", "clip_ratio/region_mean", "completions/clipped_ratio",
				"frac_reward_zero_std", "eval/loss", "step_time"))
			.allSatisfy(m -> assertThat(MetricDirection.of(m)).as(m).isEqualTo(MetricDirection.LOWER));
		assertThat(List.of("learning_rate", "epoch", "reward_std", "rewards/iou/std", "completions/mean_length",
				"num_tokens", "something_else"))
			.allSatisfy(m -> assertThat(MetricDirection.of(m)).as(m).isEqualTo(MetricDirection.NONE));
	}

	@Test
	void evaluationMetricsComeFirstThenTheUsualTrainingMetrics() {
		assertThat(RunComparisons.ordered(List.of("zeta", "kl", "eval/ovd_map", "loss", "alpha", "reward",
				"eval/rec_accuracy")))
			.containsExactly("eval/ovd_map", "eval/rec_accuracy", "reward", "loss", "kl", "alpha", "zeta");
	}

	@Test
	void valuesAreShownWithFourSignificantDigits() {
		assertThat(FinalMetric.format(0.812345)).isEqualTo("0.8123");
		assertThat(FinalMetric.format(2.0)).isEqualTo("2");
		assertThat(FinalMetric.format(-0.25)).isEqualTo("-0.25");
		assertThat(FinalMetric.format(12345.678)).isEqualTo("12350");
		assertThat(FinalMetric.format(1e-6)).isEqualTo("1.000e-06");
		assertThat(FinalMetric.format(Double.POSITIVE_INFINITY)).isEqualTo("Infinity");
	}

}

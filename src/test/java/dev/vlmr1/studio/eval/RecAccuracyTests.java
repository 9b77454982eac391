package dev.vlmr1.studio.eval;

import java.util.List;

import dev.vlmr1.studio.reward.Box;
import dev.vlmr1.studio.reward.RewardSample;
import dev.vlmr1.studio.reward.SampleImage;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class RecAccuracyTests {

	/** 1000×500 image seen by the model as 560×280: input coordinates scale by (1000/560, 500/280). */
	private static final SampleImage IMAGE = new SampleImage(1000, 500, 1, 20, 40);

	private static RewardSample truth(String box) {
		return RewardSample.of("the cat", box).withImage(IMAGE);
	}

	private static String answer(String box) {
		return "<think>t</think><answer>{\"bbox_2d\": " + box + "}</answer>";
	}

	@Test
	void perfectAfterRescaling() {
		RecReport r = RecAccuracy.vlmr1()
			.evaluate(List.of(answer("[56, 28, 280, 140]")), List.of(truth("[100, 50, 500, 250]")));
		assertThat(r.accuracy()).isEqualTo(1.0);
		RecSampleResult s = r.samples().get(0);
		assertThat(s.predicted()).isEqualTo(new Box(56, 28, 280, 140));
		assertThat(s.prediction()).isEqualTo(new Box(100, 50, 500, 250));
		assertThat(s.groundTruth()).isEqualTo(new Box(100, 50, 500, 250));
		assertThat(s.iou()).isCloseTo(1.0, within(1e-12));
		assertThat(s.correct()).isTrue();
	}

	@Test
	void withoutRescalingTheSameAnswerMisses() {
		RecReport r = new RecAccuracy(0.5, false, true)
			.evaluate(List.of(answer("[56, 28, 280, 140]")), List.of(truth("[100, 50, 500, 250]")));
		assertThat(r.accuracy()).isZero();
		assertThat(r.samples().get(0).iou()).isCloseTo(16200.0 / 88888, within(1e-12));
	}

	@Test
	void thresholdIsStrictlyGreater() {
		// unscaled IoU exactly 0.5, then 0.6
		RecAccuracy acc = new RecAccuracy(0.5, false, true);
		RecReport r = acc.evaluate(List.of(answer("[0, 0, 10, 5]"), answer("[0, 0, 10, 6]")),
				List.of(truth("[0, 0, 10, 10]"), truth("[0, 0, 10, 10]")));
		assertThat(r.samples()).extracting(RecSampleResult::correct).containsExactly(false, true);
		assertThat(r.samples().get(0).iou()).isEqualTo(0.5);
		assertThat(r.accuracy()).isEqualTo(0.5);
		assertThat(r.meanIou()).isCloseTo(0.55, within(1e-12));
	}

	@Test
	void partialDatasetWithMissingAndMalformedAnswers() {
		RecReport r = RecAccuracy.vlmr1()
			.evaluate(List.of(answer("[56, 28, 280, 140]"), "no answer at all", answer("[56.5, 28, 280, 140]")),
					List.of(truth("[100, 50, 500, 250]"), truth("[100, 50, 500, 250]"), truth("[100, 50, 500, 250]")));
		assertThat(r.correct()).isEqualTo(1);
		assertThat(r.total()).isEqualTo(3);
		assertThat(r.accuracy()).isCloseTo(1 / 3.0, within(1e-12));
		assertThat(r.samples().get(1).prediction()).isNull();
		assertThat(r.samples().get(2).prediction()).isNull();
		assertThat(r.samples().get(2).iou()).isZero();
	}

	@Test
	void emptyDatasetIsZero() {
		RecReport r = RecAccuracy.vlmr1().evaluate(List.of(), List.of());
		assertThat(r.accuracy()).isZero();
		assertThat(r.total()).isZero();
	}

	@Test
	void badInputsAreReported() {
		assertThatThrownBy(() -> RecAccuracy.vlmr1().evaluate(List.of("x"), List.of()))
			.isInstanceOf(IllegalArgumentException.class);
		assertThatThrownBy(() -> RecAccuracy.vlmr1().evaluate(List.of(answer("[1, 2, 3, 4]")), List.of(truth("left"))))
			.hasMessageContaining("ground truth");
	}

	@Test
	void seededSubsetIsReproducible() {
		List<Integer> a = SeededSubset.indices(100, 10, 42);
		assertThat(a).hasSize(10).isSorted().doesNotHaveDuplicates().allMatch((i) -> i >= 0 && i < 100);
		assertThat(SeededSubset.indices(100, 10, 42)).isEqualTo(a);
		assertThat(SeededSubset.indices(100, 10, 43)).isNotEqualTo(a);
		assertThat(SeededSubset.indices(3, 10, 1)).containsExactly(0, 1, 2);
		assertThatThrownBy(() -> SeededSubset.indices(3, -1, 1)).isInstanceOf(IllegalArgumentException.class);
	}

}

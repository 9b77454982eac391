package dev.vlmr1.studio.reward;

import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class IouRewardTests {

	/** Original 1000×500, grid (1, 20, 40): the model saw 560×280, so x scales by 1000/560, y by 500/280. */
	private static final SampleImage IMAGE = new SampleImage(1000, 500, 1, 20, 40);

	private final RewardRegistry registry = RewardRegistry.standard();

	private RewardFunction iou(Map<String, Object> params) {
		return registry.create(new RewardTerm("iou", 1, params));
	}

	private static RewardSample rec(String truth) {
		return RewardSample.of("Please provide the bounding box of the cat.", truth).withImage(IMAGE);
	}

	private static Completion answer(String box) {
		return Completion.of("<think>it is there</think><answer>{\"bbox_2d\": " + box + "}</answer>");
	}

	@Test
	void rescalesTheFirstAnswerToTheOriginalImage() {
		RewardResult r = iou(Map.of()).evaluate(answer("[56, 28, 280, 140]"), rec("[100, 50, 500, 250]"));
		assertThat(r.score()).isCloseTo(1.0, within(1e-12));
		assertThat(r.parse().box()).isEqualTo(new Box(56, 28, 280, 140));
		assertThat(r.parse().rescaledBox()).isEqualTo(new Box(100, 50, 500, 250));
		assertThat(r.parse().groundTruthBox()).isEqualTo(new Box(100, 50, 500, 250));
	}

	@Test
	void partialOverlapAfterRescaling() {
		// rescaled [100, 50, 500, 250] vs [300, 50, 700, 250]: inter 200·200, union 2·80000 − 40000
		double score = iou(Map.of()).score(answer("[56, 28, 280, 140]"), rec("[300, 50, 700, 250]"));
		assertThat(score).isCloseTo(1 / 3.0, within(1e-12));
	}

	@Test
	void withoutRescalingTheBoxIsTakenAsIs() {
		// [56, 28, 280, 140] vs [100, 50, 500, 250]: inter 180·90 = 16200, union 25088 + 80000 − 16200
		double score = iou(Map.of("rescale", false)).score(answer("[56, 28, 280, 140]"), rec("[100, 50, 500, 250]"));
		assertThat(score).isCloseTo(16200.0 / 88888, within(1e-12));
	}

	@Test
	void usesTheFirstAnswerBlockAndItsFirstIntegerBox() {
		Completion twoAnswers = Completion
			.of("<answer>[56, 28, 280, 140]</answer> no wait <answer>[0, 0, 10, 10]</answer>");
		assertThat(iou(Map.of()).score(twoAnswers, rec("[100, 50, 500, 250]"))).isCloseTo(1.0, within(1e-12));
	}

	@Test
	void floatsNegativesAndMissingAnswersScoreZero() {
		RewardFunction fn = iou(Map.of());
		RewardSample s = rec("[100, 50, 500, 250]");
		assertThat(fn.score(answer("[56.0, 28, 280, 140]"), s)).isZero();
		assertThat(fn.score(answer("[-56, 28, 280, 140]"), s)).isZero();
		assertThat(fn.score(Completion.of("[56, 28, 280, 140]"), s)).isZero();
		RewardResult none = fn.evaluate(Completion.of("<answer>the cat</answer>"), s);
		assertThat(none.parse().note()).contains("no [int, int, int, int]");
	}

	@Test
	void variantsDifferOnAOnePixelOverlap() {
		Completion c = answer("[9, 0, 20, 10]");
		RewardSample s = rec("[0, 0, 10, 10]");
		assertThat(iou(Map.of("rescale", false)).score(c, s)).isZero();
		assertThat(iou(Map.of("rescale", false, "variant", "standard")).score(c, s)).isCloseTo(0.05, within(1e-12));
	}

	@Test
	void thresholdIsStrict() {
		// IoU exactly 0.5: [0,0,10,5] inside [0,0,10,10]
		RewardFunction strict = registry.create(new RewardTerm("iou_threshold", 1, Map.of("rescale", false)));
		assertThat(strict.score(answer("[0, 0, 10, 5]"), rec("[0, 0, 10, 10]"))).isZero();
		assertThat(strict.score(answer("[0, 0, 10, 6]"), rec("[0, 0, 10, 10]"))).isEqualTo(1.0);
		RewardFunction loose = registry
			.create(new RewardTerm("iou_threshold", 1, Map.of("rescale", false, "threshold", 0.4)));
		assertThat(loose.score(answer("[0, 0, 10, 5]"), rec("[0, 0, 10, 10]"))).isEqualTo(1.0);
	}

	@Test
	void badGroundTruthOrMissingGridThrows() {
		RewardFunction fn = iou(Map.of());
		assertThatThrownBy(() -> fn.score(answer("[1, 2, 3, 4]"), rec("somewhere"))).hasMessageContaining("ground truth");
		RewardSample noGrid = RewardSample.of("q", "[1, 2, 3, 4]").withImage(SampleImage.ofSize(100, 100));
		assertThatThrownBy(() -> fn.score(answer("[1, 2, 3, 4]"), noGrid)).hasMessageContaining("image_grid_thw");
		assertThatThrownBy(() -> fn.score(answer("[1, 2, 3, 4]"), RewardSample.of("q", "[1, 2, 3, 4]")))
			.hasMessageContaining("no image");
	}

}

package dev.vlmr1.studio.reward;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class CocoApTests {

	private static final Box A = new Box(0, 0, 100, 100);

	private static final Box B = new Box(200, 200, 300, 300);

	private static Detection cat(Box b) {
		return new Detection("cat", b);
	}

	@Test
	void perfectPredictionIsOne() {
		CocoAp.Result r = CocoAp.oneImage(List.of(cat(A)), List.of(cat(A)));
		assertThat(r.ap()).isEqualTo(1.0);
		assertThat(r.ap50()).isEqualTo(1.0);
	}

	@Test
	void halfRecallCoversFiftyOneOfTheHundredAndOneRecallPoints() {
		CocoAp.Result r = CocoAp.oneImage(List.of(cat(A), cat(B)), List.of(cat(A)));
		assertThat(r.ap()).isCloseTo(51 / 101.0, within(1e-12));
	}

	@Test
	void duplicateRankedLastDoesNotLowerAp() {
		// hits [T, F]: precision [1, .5] but recall is already 1 at the first detection
		assertThat(CocoAp.oneImage(List.of(cat(A)), List.of(cat(A), cat(A))).ap()).isEqualTo(1.0);
	}

	@Test
	void falsePositiveRankedFirstHalvesAp() {
		// hits [F, T]: precision [0, .5] made monotone [.5, .5]
		assertThat(CocoAp.oneImage(List.of(cat(A)), List.of(cat(B), cat(A))).ap()).isCloseTo(0.5, within(1e-12));
	}

	@Test
	void partialOverlapCountsOnlyAtLowThresholds() {
		// IoU 0.78: a hit at .50 … .75 (6 of 10 thresholds)
		CocoAp.Result r = CocoAp.oneImage(List.of(cat(A)), List.of(cat(new Box(0, 0, 100, 78))));
		assertThat(r.ap50()).isEqualTo(1.0);
		assertThat(r.ap()).isCloseTo(0.6, within(1e-12));
	}

	@Test
	void categoriesAreCaseInsensitiveAndAveraged() {
		List<Detection> gt = List.of(new Detection("Cat", A), new Detection("dog", B));
		CocoAp.Result r = CocoAp.oneImage(gt, List.of(new Detection("CAT ", A)));
		assertThat(r.perCategory()).containsEntry("cat", 1.0).containsEntry("dog", 0.0);
		assertThat(r.ap()).isCloseTo(0.5, within(1e-12));
	}

	@Test
	void labelsOutsideTheGroundTruthAreDropped() {
		// a "bird" ranked first would be a false positive if it counted; it is dropped, so AP stays 1
		List<Detection> preds = List.of(new Detection("bird", B), cat(A));
		assertThat(CocoAp.oneImage(List.of(cat(A)), preds).ap()).isEqualTo(1.0);
		assertThat(CocoAp.oneImage(List.of(cat(A)), List.of(new Detection("dog", A))).ap()).isZero();
	}

	@Test
	void emptyGroundTruthGivesZero() {
		assertThat(CocoAp.oneImage(List.of(), List.of(cat(A))).ap()).isZero();
	}

	@Test
	void severalImagesRankInImageOrder() {
		// image 1: one FP; image 2: one TP. Concatenated hits [F, T] over 1 GT: AP 0.5
		var images = List.of(new CocoAp.Image(List.of(), List.of(cat(A))),
				new CocoAp.Image(List.of(cat(B)), List.of(cat(B))));
		assertThat(CocoAp.evaluate(images).ap()).isCloseTo(0.5, within(1e-12));
	}

	@Test
	void interpolationMatchesPycocotoolsOnAMixedRanking() {
		// hits [T, F, T] over 3 GT: recall [1/3, 1/3, 2/3], precision [1, .5, 2/3] → monotone [1, 2/3, 2/3].
		// recall points 0..0.33 (34) take 1, 0.34..0.66 (33) take 2/3, the rest 0.
		double ap = CocoAp.interpolatedAp(List.of(true, false, true), 3);
		assertThat(ap).isCloseTo((34 + 33 * 2 / 3.0) / 101, within(1e-9));
	}

}

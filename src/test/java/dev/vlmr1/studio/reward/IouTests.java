package dev.vlmr1.studio.reward;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class IouTests {

	@Test
	void identicalBoxesScoreOne() {
		Box b = new Box(10, 20, 110, 70);
		assertThat(Iou.standard(b, b)).isEqualTo(1.0);
		assertThat(Iou.vlmr1(b, b)).isEqualTo(1.0);
	}

	@Test
	void halfOverlapIsOneThird() {
		// inter 5×10 = 50, union 100 + 100 − 50 = 150
		Box a = new Box(0, 0, 10, 10);
		Box b = new Box(5, 0, 15, 10);
		assertThat(Iou.standard(a, b)).isCloseTo(1 / 3.0, within(1e-12));
		assertThat(Iou.vlmr1(a, b)).isCloseTo(1 / 3.0, within(1e-12));
	}

	@Test
	void vlmr1IgnoresAOnePixelOverlap() {
		// standard: inter 1×10 = 10, union 100 + 110 − 10 = 200; VLM-R1: max(x1) = 9 is not < min(x2 − 1) = 9
		Box a = new Box(0, 0, 10, 10);
		Box b = new Box(9, 0, 20, 10);
		assertThat(Iou.standard(a, b)).isCloseTo(0.05, within(1e-12));
		assertThat(Iou.vlmr1(a, b)).isZero();
	}

	@Test
	void disjointAndDegenerateBoxesScoreZero() {
		assertThat(Iou.standard(new Box(0, 0, 1, 1), new Box(5, 5, 6, 6))).isZero();
		assertThat(Iou.vlmr1(new Box(0, 0, 0, 0), new Box(0, 0, 0, 0))).isZero();
		assertThat(Iou.standard(new Box(3, 3, 3, 3), new Box(3, 3, 3, 3))).isZero();
	}

}

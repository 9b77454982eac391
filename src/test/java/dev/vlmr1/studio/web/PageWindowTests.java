package dev.vlmr1.studio.web;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PageWindowTests {

	@Test
	void theOffsetOfTheLastPossiblePageDoesNotWrap() {
		PageWindow last = PageWindow.of(Integer.MAX_VALUE, 100, 100);
		assertThat(last.offset()).isEqualTo(214_748_364_700L);
		assertThat(Integer.MAX_VALUE * 100).as("what int arithmetic gave").isNegative();
	}

	@Test
	void aPageOutsideTheRangeIsA400Problem() {
		assertThatThrownBy(() -> PageWindow.of(-1, 10, 100)).isInstanceOfSatisfying(ApiProblem.class,
				p -> assertThat(p.status().value()).isEqualTo(400));
		assertThatThrownBy(() -> PageWindow.of(0, 101, 100)).isInstanceOf(ApiProblem.class);
		assertThatThrownBy(() -> PageWindow.of(0, 0, 100)).isInstanceOf(ApiProblem.class);
	}

	@Test
	void pagesOfHtmlListsArePulledIntoRange() {
		assertThat(PageWindow.clamped(-5, 500, 50)).isEqualTo(new PageWindow(0, 50));
		assertThat(PageWindow.clamped(Integer.MAX_VALUE, 50, 50).hasMoreThan(1_000)).isFalse();
		assertThat(new PageWindow(0, 50).hasMoreThan(51)).isTrue();
		assertThat(new PageWindow(0, 50).hasMoreThan(50)).isFalse();
	}

}

package dev.vlmr1.studio.model.vision;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The window order and attention segments of {@code get_window_index}, worked out by hand. */
class WindowIndexTests {

	@Test
	void partialWindowsKeepOnlyTheirRealTokens() {
		// 4×6 patches → 2×3 merged tokens [[0,1,2],[3,4,5]]; windows of 2×2 merged tokens: {0,1,3,4}, {2,5}
		var index = WindowIndex.of(new long[][] { { 1, 4, 6 } }, 2, 14, 56);
		assertThat(index.windowIndex()).containsExactly(0, 1, 3, 4, 2, 5);
		assertThat(index.windowBounds()).containsExactly(0, 16, 24);
		assertThat(index.frameBounds()).containsExactly(0, 24);
		assertThat(index.restoreOrder()).containsExactly(0, 1, 4, 2, 3, 5);
		assertThat(index.patchOrder(4)).startsWith(0, 1, 2, 3, 4, 5, 6, 7, 12, 13, 14, 15, 16, 17, 18, 19, 8);
	}

	@Test
	void evenGridsGetNoEmptyWindowsAndFramesAreWindowedSeparately() {
		// two frames of 2×2 merged tokens, then an image of 2×4 merged tokens (two full windows)
		var index = WindowIndex.of(new long[][] { { 2, 4, 4 }, { 1, 4, 8 } }, 2, 14, 56);
		assertThat(index.windowIndex()).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 13, 10, 11, 14, 15);
		assertThat(index.windowBounds()).containsExactly(0, 16, 32, 48, 64);
		assertThat(index.frameBounds()).containsExactly(0, 16, 32, 64);
		assertThat(index.isIdentity()).isFalse();
	}

	@Test
	void realWindowSizeOnALargeImage() {
		// 448×448 at the real 112-pixel windows: 32×32 patches, 16×16 merged, 4×4 windows of 4×4 merged tokens
		var index = WindowIndex.of(new long[][] { { 1, 32, 32 } }, 2, 14, 112);
		assertThat(index.windowBounds()).hasSize(17);
		assertThat(index.windowBounds()[1]).isEqualTo(64);
		assertThat(index.windowIndex()).startsWith(0, 1, 2, 3, 16, 17, 18, 19, 32);
	}

	@Test
	void withoutWindowsTheOrderIsTheIdentity() {
		var index = WindowIndex.of(new long[][] { { 1, 4, 6 }, { 1, 2, 2 } }, 2, 14, 0);
		assertThat(index.isIdentity()).isTrue();
		assertThat(index.windowBounds()).containsExactly(0, 24, 28);
		assertThat(index.frameBounds()).containsExactly(0, 24, 28);
	}

}

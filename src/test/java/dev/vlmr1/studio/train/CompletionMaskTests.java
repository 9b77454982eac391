package dev.vlmr1.studio.train;

import java.util.List;

import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CompletionMaskTests {

	static final List<Long> EOS = List.of(555L, 553L);

	@Test
	void reproducesTheReferenceMaskIncludingTheTokenAfterEos() {
		try (NDManager manager = NDManager.newBaseManager()) {
			var in = TrainFixtures.floats(manager, TrainFixtures.GRPO.resolve("inputs.safetensors"));
			// completions are the last 33 positions; completion 2 has a token (220) after its EOS
			var ids = in.get("input_ids").get(":, 80:");
			var mask = CompletionMask.of(ids, List.of(555L), false);
			assertThat(mask.toArray(manager).toFloatArray()).containsExactly(in.get("completion_mask").toFloatArray());
			assertThat(mask.lengths()).containsExactly(30, 18, 7, 33);
			assertThat(mask.truncated()).containsExactly(false, false, false, false);
			assertThat(mask.tokenCount()).isEqualTo(88);
		}
	}

	@Test
	void anyOfSeveralEosIdsEndsACompletion() {
		var mask = CompletionMask.of(new long[] { 7, 553, 9, 555, 7, 7 }, 2, 3, EOS, false);
		assertThat(mask.mask()).containsExactly(1, 1, 0, 1, 0, 0);
		assertThat(mask.lengths()).containsExactly(2, 1);
	}

	@Test
	void truncatedCompletionsAreMaskedOutOnlyWhenAsked() {
		long[] ids = { 7, 8, 9, 7, 555, 1 };
		var kept = CompletionMask.of(ids, 2, 3, EOS, false);
		assertThat(kept.mask()).containsExactly(1, 1, 1, 1, 1, 0);
		assertThat(kept.truncated()).containsExactly(true, false);
		var masked = CompletionMask.of(ids, 2, 3, EOS, true);
		assertThat(masked.mask()).containsExactly(0, 0, 0, 1, 1, 0);
		// EOS as the very last token is a finished completion, not a truncated one
		assertThat(CompletionMask.of(new long[] { 7, 555 }, 1, 2, EOS, true).mask()).containsExactly(1, 1);
	}

	@Test
	void rejectsBadShapes() {
		assertThatThrownBy(() -> CompletionMask.of(new long[] { 1, 2, 3 }, 2, 2, EOS, false))
			.hasMessageContaining("[2, 2]");
		assertThatThrownBy(() -> CompletionMask.of(new long[] { 1 }, 1, 1, List.of(), false))
			.hasMessageContaining("EOS");
	}

}

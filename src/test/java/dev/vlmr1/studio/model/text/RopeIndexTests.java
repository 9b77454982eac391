package dev.vlmr1.studio.model.text;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import dev.vlmr1.studio.model.FixtureTensors;
import dev.vlmr1.studio.model.ModelType;
import dev.vlmr1.studio.model.QwenVlConfig;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RopeIndexTests {

	private static RopeIndex.Tokens tokens(String model) {
		var config = QwenVlConfig.load(FixtureTensors.ROOT.resolve(model));
		return new RopeIndex.Tokens(config.imageTokenId(), config.vision().spatialMergeSize(),
				config.modelType() == ModelType.QWEN2_VL);
	}

	@ParameterizedTest
	@CsvSource({ "qwen2_5_vl_tiny, single", "qwen2_5_vl_tiny, multi", "qwen2_5_vl_tiny, text",
			"qwen2_vl_tiny, single", "qwen2_vl_tiny, multi", "qwen2_vl_tiny, text" })
	void positionsAndDeltasMatchTransformers(String model, String name) {
		try (var fixture = FixtureTensors.open(model + "/case_" + name + ".safetensors")) {
			long[][] grids = fixture.contains("image_grid_thw") ? fixture.matrix("image_grid_thw") : null;
			RopeIndex index = RopeIndex.compute(fixture.matrix("input_ids"), null, grids, tokens(model));
			assertThat(index.flat()).containsExactly(fixture.longs("position_ids"));
			assertThat(index.deltas()).containsExactly(fixture.longs("rope_deltas"));
		}
	}

	@ParameterizedTest
	@CsvSource({ "qwen2_5_vl_tiny", "qwen2_vl_tiny" })
	void leftPaddedBatchMatchesTransformers(String model) {
		try (var fixture = FixtureTensors.open(model + "/generate.safetensors")) {
			RopeIndex index = RopeIndex.compute(fixture.matrix("batch.input_ids"),
					fixture.matrix("batch.attention_mask"), fixture.matrix("image_grid_thw"), tokens(model));
			assertThat(index.flat()).containsExactly(fixture.longs("batch.position_ids"));
			assertThat(index.deltas()).containsExactly(fixture.longs("batch.rope_deltas"));
		}
	}

	@Test
	void decodePositionsContinueAfterEachRowsLargestPromptPosition() {
		try (var fixture = FixtureTensors.open("qwen2_5_vl_tiny/generate.safetensors")) {
			long[][] mask = fixture.matrix("batch.attention_mask");
			RopeIndex prompt = RopeIndex.compute(fixture.matrix("batch.input_ids"), mask,
					fixture.matrix("image_grid_thw"), tokens("qwen2_5_vl_tiny"));
			int length = mask[0].length;
			long[][] grown = new long[2][length + 2];
			for (int b = 0; b < 2; b++) {
				System.arraycopy(mask[b], 0, grown[b], 0, length);
				grown[b][length] = 1;
				grown[b][length + 1] = 1;
			}
			// second new token: row 0 (image, no padding) 77 + 1; row 1 (42 pads, 38 text tokens) 38 + 1
			long[] positions = RopeIndex.decodePositions(grown, 2, 1, length + 1, prompt.deltas());
			assertThat(positions).containsExactly(78, 39, 78, 39, 78, 39);
			long[] unpadded = RopeIndex.decodePositions(null, 1, 2, 10, new long[] { -3 });
			assertThat(unpadded).containsExactly(7, 8, 7, 8, 7, 8);
		}
	}

	@Test
	void imageRunsBetweenTextContinueAfterTheLargestPosition() {
		// text(2) image 4x6 patches = 2x3 merged, text(2): image at (2, 2+row, 2+col), text after at 2 + 3
		long pad = 9;
		long[][] ids = { { 1, 2, pad, pad, pad, pad, pad, pad, 3, 4 } };
		RopeIndex index = RopeIndex.compute(ids, null, new long[][] { { 1, 4, 6 } }, new RopeIndex.Tokens(pad, 2, false));
		assertThat(index.positions()[0][0]).containsExactly(0, 1, 2, 2, 2, 2, 2, 2, 5, 6);
		assertThat(index.positions()[1][0]).containsExactly(0, 1, 2, 2, 2, 3, 3, 3, 5, 6);
		assertThat(index.positions()[2][0]).containsExactly(0, 1, 2, 3, 4, 2, 3, 4, 5, 6);
		assertThat(index.deltas()).containsExactly(7 - 10);
	}

	@Test
	void padCountsThatDoNotMatchTheGridsAreRejected() {
		var tokens = new RopeIndex.Tokens(9, 2, false);
		long[][] tooFew = { { 1, 9, 9, 9, 2 } };
		assertThatThrownBy(() -> RopeIndex.compute(tooFew, null, new long[][] { { 1, 4, 4 } }, tokens))
			.isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("needs 4 consecutive");
		long[][] noGrid = { { 1, 9, 9, 9, 9 } };
		assertThatThrownBy(() -> RopeIndex.compute(noGrid, null, null, tokens))
			.isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("more images");
		long[][] textOnly = { { 1, 2 } };
		assertThatThrownBy(() -> RopeIndex.compute(textOnly, null, new long[][] { { 1, 2, 2 } }, tokens))
			.isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("image_grid_thw has 1 images");
	}

}

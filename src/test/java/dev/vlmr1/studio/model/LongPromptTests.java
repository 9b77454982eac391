package dev.vlmr1.studio.model;

import java.util.Random;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import org.junit.jupiter.api.Test;

import dev.vlmr1.studio.model.text.TextAttention;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A prompt long enough that inference attends in chunks of query rows ({@link TextAttention#SCORE_BUDGET}) gives
 * the logits of attending in one product (what grad mode does), so bounding inference memory changes no answer.
 */
class LongPromptTests {

	@Test
	void chunkedPrefillGivesTheLogitsOfOneProduct() {
		try (QwenVlModel model = QwenVlModel.load(FixtureTensors.ROOT.resolve("qwen2_5_vl_tiny"));
				NDManager manager = model.manager().newSubManager()) {
			int heads = model.config().text().numHeads();
			// B·H·T² over the budget: the inference forward takes the chunked path
			int tokens = (int) Math.sqrt((double) TextAttention.SCORE_BUDGET / heads) + 200;
			long[] ids = new Random(7).longs(tokens, 0, 500).toArray();
			float[] oneProduct;
			float[] chunked;
			boolean gradMode = JniUtils.isGradMode();
			try {
				JniUtils.setGradMode(true);
				oneProduct = lastLogits(model, manager, ids);
				JniUtils.setGradMode(false);
				chunked = lastLogits(model, manager, ids);
			}
			finally {
				JniUtils.setGradMode(gradMode);
			}
			float maxDiff = 0;
			for (int i = 0; i < chunked.length; i++) {
				maxDiff = Math.max(maxDiff, Math.abs(chunked[i] - oneProduct[i]));
			}
			assertThat(chunked).hasSize(model.config().text().vocabSize() * 8);
			assertThat(maxDiff).isLessThan(1e-4f);
		}
	}

	/** The logits of the last 8 positions, all positions computed. */
	private static float[] lastLogits(QwenVlModel model, NDManager manager, long[] ids) {
		try (NDScope ignored = new NDScope()) {
			NDArray input = manager.create(ids, new Shape(1, ids.length));
			return model.forward(ModelInputs.of(input).withLogitsToKeep(8)).logits().toFloatArray();
		}
	}

}

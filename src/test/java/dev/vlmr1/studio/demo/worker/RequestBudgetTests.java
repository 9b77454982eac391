package dev.vlmr1.studio.demo.worker;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.vlmr1.studio.model.InferenceFootprint;
import dev.vlmr1.studio.model.QwenVlConfig;
import dev.vlmr1.studio.model.image.PreprocessorConfig;
import dev.vlmr1.studio.model.image.SmartResize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The worker's own admission, from the tiny checkpoint's config: every limit refuses with its name, and the memory
 * check compares the estimated need with what the native budget leaves after the weights.
 */
class RequestBudgetTests {

	static final Path TINY = Path.of("src/test/resources/fixtures/qwen2_5_vl_tiny");

	static final QwenVlConfig CONFIG = QwenVlConfig.load(TINY);

	static final PreprocessorConfig PROCESSOR = PreprocessorConfig.read(TINY.resolve("preprocessor_config.json"));

	static final long WEIGHTS = 1L << 20;

	static RequestBudget budget(int maxPromptTokens, long nativeMemory) {
		return new RequestBudget(new RequestLimits(maxPromptTokens, 2, 1_000_000, 1_400_000, nativeMemory, 1L << 30));
	}

	static RequestBudget roomy() {
		return budget(8192, 8L << 30);
	}

	@Test
	void imagesAreCountedAndTheirPixelsBoundedFromTheHeadersAlone() {
		ImageHeader small = new ImageHeader("png", 100, 100);
		ImageHeader large = new ImageHeader("png", 1000, 1001);
		ImageHeader threeQuarters = new ImageHeader("png", 1000, 750);
		assertThatCode(() -> roomy().checkImages(List.of(small, small))).doesNotThrowAnyException();
		assertThatThrownBy(() -> roomy().checkImages(List.of(small, small, small))).isInstanceOf(RequestTooLarge.class)
			.hasMessageContaining("3 images")
			.extracting((ex) -> ((RequestTooLarge) ex).limit())
			.isEqualTo("max-images");
		assertThatThrownBy(() -> roomy().checkImages(List.of(large))).hasMessageContaining("1000x1001")
			.extracting((ex) -> ((RequestTooLarge) ex).limit())
			.isEqualTo("max-image-pixels");
		assertThatThrownBy(() -> roomy().checkImages(List.of(threeQuarters, threeQuarters)))
			.hasMessageContaining("1500000")
			.extracting((ex) -> ((RequestTooLarge) ex).limit())
			.isEqualTo("max-total-image-pixels");
	}

	@Test
	void promptTokensAreBoundedByTheSettingAndByTheModelsPositions() {
		int positions = CONFIG.text().maxPositionEmbeddings();
		assertThatCode(() -> check(roomy(), positions - 16, 16)).doesNotThrowAnyException();
		assertThatThrownBy(() -> check(roomy(), positions - 16, 17)).hasMessageContaining("max_position_embeddings")
			.extracting((ex) -> ((RequestTooLarge) ex).limit())
			.isEqualTo("max_position_embeddings");
		assertThatThrownBy(() -> check(budget(1000, 8L << 30), 1001, 1)).hasMessageContaining("1001 tokens")
			.extracting((ex) -> ((RequestTooLarge) ex).limit())
			.isEqualTo("max-prompt-tokens");
		assertThatThrownBy(() -> check(roomy(), 10, 0)).isInstanceOf(IllegalArgumentException.class);
	}

	@Test
	void aRequestWhoseEstimateDoesNotFitTheNativeBudgetIsRefusedNamingIt() {
		long need = InferenceFootprint.of(CONFIG, 3000, 8, new long[0]).total();
		long budget = WEIGHTS + RequestBudget.RUNTIME_RESERVE + need;
		assertThatCode(() -> check(budget(8192, budget), 3000, 8)).doesNotThrowAnyException();
		assertThatThrownBy(() -> check(budget(8192, budget - 1), 3000, 8)).hasMessageContaining("worker-native-memory")
			.extracting((ex) -> ((RequestTooLarge) ex).limit())
			.isEqualTo("worker-native-memory");
		// the same budget holds a shorter prompt: the need grows with the prompt
		assertThatCode(() -> check(budget(8192, budget - 1), 2000, 8)).doesNotThrowAnyException();
	}

	@Test
	void theEstimateGrowsWithThePromptButItsAttentionScoresStayWithinTheChunkBudget() {
		long at1k = InferenceFootprint.of(CONFIG, 1024, 8, new long[0]).promptBytes();
		long at2k = InferenceFootprint.of(CONFIG, 2048, 8, new long[0]).promptBytes();
		long at4k = InferenceFootprint.of(CONFIG, 4096, 8, new long[0]).promptBytes();
		assertThat(at2k).isGreaterThan(at1k);
		assertThat(at4k).isGreaterThan(at2k);
		// the mask is T² but the scores are chunked: well under the 4 × H × T² floats one product would hold
		long oneProduct = 4L * 4 * CONFIG.text().numHeads() * 4096 * 4096;
		assertThat(at4k).isLessThan(oneProduct);
		assertThat(InferenceFootprint.of(CONFIG, 100, 8, new long[] { 1024, 1024 }).visionBytes()).isPositive();
	}

	private static void check(RequestBudget budget, int promptTokens, int newTokens) {
		budget.checkPrompt(CONFIG, PROCESSOR, List.of(), new SmartResize[0], promptTokens, newTokens, WEIGHTS);
	}

}

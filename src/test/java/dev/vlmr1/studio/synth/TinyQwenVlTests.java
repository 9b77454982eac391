package dev.vlmr1.studio.synth;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.vlmr1.studio.model.QwenVlConfig;
import dev.vlmr1.studio.model.image.ImageProcessor;
import dev.vlmr1.studio.model.image.PreprocessorConfig;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TinyQwenVlTests {

	@Test
	void mropeSectionsCoverHalfTheHeadDimInTheReleasedRatio() {
		assertThat(TinyQwenVl.DEFAULT.mropeSection()).containsExactly(4, 6, 6);
		assertThat(new TinyQwenVl(64, 2, 4, 2, 128, 32, 2, 2, 64, 6272).mropeSection()).containsExactly(2, 3, 3);
		assertThat(new TinyQwenVl(2048, 1, 16, 2, 8, 32, 1, 2, 8, 6272).mropeSection()).containsExactly(16, 24, 24);
	}

	@Test
	void writesAConfigTheModelReadsWithTheTokenizersIds(@TempDir Path dir) {
		BpeTokenizer tokenizer = new BpeTokenizerTrainer(300, 1).train(List.of("a red circle", "a blue square"));
		TinyQwenVl.DEFAULT.write(dir, tokenizer);
		QwenVlConfig config = QwenVlConfig.load(dir);
		assertThat(config.text().vocabSize()).isEqualTo(tokenizer.size());
		assertThat(config.text().hiddenSize()).isEqualTo(128);
		assertThat(config.text().numLayers()).isEqualTo(4);
		assertThat(config.text().numKeyValueHeads()).isEqualTo(2);
		assertThat(config.text().tieWordEmbeddings()).isTrue();
		assertThat(config.vision().width()).isEqualTo(64);
		assertThat(config.vision().outHiddenSize()).isEqualTo(128);
		assertThat(config.vision().windowSize()).isEqualTo(56);
		assertThat(config.vision().fullAttentionBlocks()).containsExactly(config.vision().depth() - 1);
		assertThat(config.imageTokenId()).isEqualTo(tokenizer.specialTokenId(QwenSpecialTokens.IMAGE_PAD));
		assertThat(config.eosTokenIds()).containsExactly((long) tokenizer.specialTokenId(QwenSpecialTokens.IM_END));
		assertThat(config.padTokenId()).isEqualTo(tokenizer.specialTokenId(QwenSpecialTokens.END_OF_TEXT));
		PreprocessorConfig pre = ImageProcessor.fromCheckpoint(dir).config();
		assertThat(pre.maxPixels()).isEqualTo(112 * 112);
		// a synthetic 112×112 image keeps its size: an 8×8 patch grid, 16 image tokens
		var image = new java.awt.image.BufferedImage(112, 112, java.awt.image.BufferedImage.TYPE_INT_RGB);
		assertThat(ImageProcessor.fromCheckpoint(dir).process(List.of(image)).tokensPerImage()).containsExactly(16);
	}

	@Test
	void rejectsShapesTheArchitectureCannotHave() {
		assertThatThrownBy(() -> new TinyQwenVl(130, 4, 4, 2, 384, 64, 2, 2, 128, 12544))
			.isInstanceOf(IllegalArgumentException.class);
		assertThatThrownBy(() -> new TinyQwenVl(128, 4, 4, 3, 384, 64, 2, 2, 128, 12544))
			.isInstanceOf(IllegalArgumentException.class);
		assertThatThrownBy(() -> new TinyQwenVl(128, 4, 4, 2, 384, 60, 2, 2, 128, 12544))
			.isInstanceOf(IllegalArgumentException.class);
		assertThatThrownBy(() -> new TinyQwenVl(128, 0, 4, 2, 384, 64, 2, 2, 128, 12544))
			.isInstanceOf(IllegalArgumentException.class);
		assertThatThrownBy(() -> new TinyQwenVl(128, 4, 4, 2, 384, 64, 2, 2, 128, 1000))
			.isInstanceOf(IllegalArgumentException.class);
	}

}

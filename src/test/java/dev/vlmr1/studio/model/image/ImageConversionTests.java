package dev.vlmr1.studio.model.image;

import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** RGB conversion like PIL's {@code convert("RGB")}, {@code smart_resize} and the config parsing. */
class ImageConversionTests {

	@Test
	void fixtureImagesAreEightBitRgb() {
		var image = ImageProcessor.read(ImageProcessorTests.FIXTURES.resolve("images/a_84x56.png"));
		assertThat(image.getColorModel().getNumComponents()).isEqualTo(3);
		assertThat(image.getColorModel().getComponentSize(0)).isEqualTo(8);
	}

	@Test
	void alphaIsDroppedWithoutCompositing() {
		var rgba = new BufferedImage(2, 1, BufferedImage.TYPE_INT_ARGB);
		rgba.setRGB(0, 0, 0x00_10_20_30); // fully transparent: PIL keeps the colour, does not blend with white/black
		rgba.setRGB(1, 0, 0x80_FF_00_7F);
		RgbImage rgb = RgbImage.of(rgba);
		assertThat(new int[] { rgb.sample(0, 0, 0), rgb.sample(0, 0, 1), rgb.sample(0, 0, 2) })
			.containsExactly(0x10, 0x20, 0x30);
		assertThat(new int[] { rgb.sample(1, 0, 0), rgb.sample(1, 0, 1), rgb.sample(1, 0, 2) })
			.containsExactly(0xFF, 0x00, 0x7F);
		var abgr = new BufferedImage(1, 1, BufferedImage.TYPE_4BYTE_ABGR);
		abgr.setRGB(0, 0, 0x00_10_20_30);
		assertThat(RgbImage.of(abgr).rgb()).containsExactly(0x10, 0x20, 0x30);
	}

	@Test
	void paletteIsLookedUp() {
		byte[] r = { 0, (byte) 200 };
		byte[] g = { 0, 100 };
		byte[] b = { 0, 50 };
		var palette = new BufferedImage(2, 1, BufferedImage.TYPE_BYTE_INDEXED, new IndexColorModel(1, 2, r, g, b));
		palette.getRaster().setSample(1, 0, 0, 1);
		assertThat(RgbImage.of(palette).rgb()).containsExactly(0, 0, 0, (byte) 200, 100, 50);
	}

	@Test
	void greySamplesAreReplicatedUnchanged() {
		// getRGB would map this linear-grey 100 to a different sRGB value; PIL replicates the stored sample
		var grey = new BufferedImage(1, 1, BufferedImage.TYPE_BYTE_GRAY);
		grey.getRaster().setSample(0, 0, 0, 100);
		assertThat(RgbImage.of(grey).rgb()).containsExactly(100, 100, 100);
		var grey16 = new BufferedImage(1, 1, BufferedImage.TYPE_USHORT_GRAY);
		grey16.getRaster().setSample(0, 0, 0, 0xAB12);
		assertThat(RgbImage.of(grey16).rgb()).containsExactly((byte) 0xAB, (byte) 0xAB, (byte) 0xAB);
	}

	@Test
	void smartResizeRoundsHalfToEven() {
		// 70/28 = 2.5 rounds to 2 (Python), not 3 (Math.round); 42/28 = 1.5 rounds to 2
		assertThat(SmartResize.of(70, 42, 28, 28 * 28, 1 << 20)).isEqualTo(new SmartResize(56, 56));
		assertThat(SmartResize.of(98, 126, 28, 28 * 28, 1 << 20)).isEqualTo(new SmartResize(112, 112));
	}

	@Test
	void smartResizeKeepsTheAreaWithinBounds() {
		assertThat(SmartResize.of(480, 640, 28, 3136, 6272)).isEqualTo(new SmartResize(56, 84));
		assertThat(SmartResize.of(20, 30, 28, 3136, 6272)).isEqualTo(new SmartResize(56, 84));
		SmartResize big = SmartResize.of(3000, 4000, 28, 56 * 56, 28 * 28 * 1280);
		assertThat((long) big.height() * big.width()).isLessThanOrEqualTo(28 * 28 * 1280);
		assertThat(big.height() % 28).isZero();
		assertThat(big.width() % 28).isZero();
		assertThatThrownBy(() -> SmartResize.of(0, 5, 28, 1, 2)).isInstanceOf(IllegalArgumentException.class);
	}

	@Test
	void preprocessorConfigReadsOldAndNewKeys() throws Exception {
		var mapper = new ObjectMapper();
		var old = PreprocessorConfig.of(mapper.readTree("{\"min_pixels\": 3136, \"max_pixels\": 6272}"));
		assertThat(old.minPixels()).isEqualTo(3136);
		assertThat(old.maxPixels()).isEqualTo(6272);
		assertThat(old.factor()).isEqualTo(28);
		assertThat(old.imageMean()).containsExactly(PreprocessorConfig.CLIP_MEAN);
		var sized = PreprocessorConfig
			.of(mapper.readTree("{\"size\": {\"shortest_edge\": 100, \"longest_edge\": 200}, \"patch_size\": 16}"));
		assertThat(sized.minPixels()).isEqualTo(100);
		assertThat(sized.maxPixels()).isEqualTo(200);
		assertThat(sized.factor()).isEqualTo(32);
		assertThatThrownBy(() -> PreprocessorConfig.of(mapper.readTree("{\"min_pixels\": 10, \"max_pixels\": 5}")))
			.isInstanceOf(IllegalArgumentException.class);
	}

}

package dev.vlmr1.studio.model.image;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;

import dev.vlmr1.studio.model.safetensors.SafetensorsReader;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ImageProcessorTests {

	static final Path FIXTURES = Path.of("src/test/resources/fixtures");

	static final ImageProcessor PROCESSOR = ImageProcessor
		.fromCheckpoint(FIXTURES.resolve("qwen2_5_vl_tiny"));

	static BufferedImage image(String name) {
		return ImageProcessor.read(FIXTURES.resolve("images/" + name + ".png"));
	}

	@Test
	void readsWebpAsTrainingNeedsIt() {
		// issue 11: training could not read WebP at all (ImageIO.read returned null)
		BufferedImage png = ImageProcessor.read(FIXTURES.resolve("images/gradient-64x48.png"));
		BufferedImage lossless = ImageProcessor.read(FIXTURES.resolve("images/gradient-64x48-lossless.webp"));
		BufferedImage lossy = ImageProcessor.read(FIXTURES.resolve("images/smooth-64x48-lossy.webp"));
		// the lossy file as Pillow (libwebp) decodes it; decoders may upsample chroma a little differently
		BufferedImage pillow = ImageProcessor.read(FIXTURES.resolve("images/smooth-64x48-lossy-pillow.png"));
		assertThat(lossless.getWidth()).isEqualTo(64);
		assertThat(lossless.getHeight()).isEqualTo(48);
		assertThat(lossy.getWidth()).isEqualTo(64);
		assertThat(lossy.getHeight()).isEqualTo(48);
		long lossyDifference = 0;
		for (int y = 0; y < 48; y++) {
			for (int x = 0; x < 64; x++) {
				assertThat(lossless.getRGB(x, y) & 0xFFFFFF).as("(%d, %d)", x, y).isEqualTo(png.getRGB(x, y) & 0xFFFFFF);
				lossyDifference += channelDifference(lossy.getRGB(x, y), pillow.getRGB(x, y));
			}
		}
		// measured: about 2 levels on average (different chroma upsampling); a wrong decode is off by tens
		assertThat(lossyDifference / (64.0 * 48)).as("mean worst-channel difference from libwebp").isLessThan(4);
		ProcessedImages out = PROCESSOR.process(List.of(lossless));
		assertThat(out.tokensPerImage()).hasSize(1);
	}

	private static int channelDifference(int a, int b) {
		int worst = 0;
		for (int shift = 0; shift < 24; shift += 8) {
			worst = Math.max(worst, Math.abs(((a >> shift) & 0xFF) - ((b >> shift) & 0xFF)));
		}
		return worst;
	}

	@ParameterizedTest
	@CsvSource({ "a_84x56, 1e-6", "b_100x70, 0.016", "d_640x480, 0.016", "e_30x20, 0.016", "h_150x95, 0.016",
			"i_168x112, 0.016" })
	void matchesTransformersPilProcessor(String name, double tolerance) {
		ProcessedImages out = PROCESSOR.process(List.of(image(name)));
		try (var reference = SafetensorsReader
			.open(FIXTURES.resolve("processor_Qwen2VLImageProcessorPil.safetensors"))) {
			assertThat(out.gridThw()[0]).containsExactly(reference.longs(name + ".image_grid_thw"));
			assertThat(out.shape()).containsExactly(reference.info(name + ".pixel_values").shape());
			float[] expected = reference.floats(name + ".pixel_values");
			assertThat(maxAbsDifference(out.pixelValues(), expected)).isLessThanOrEqualTo(tolerance);
			long grid = out.gridThw()[0][0] * out.gridThw()[0][1] * out.gridThw()[0][2];
			assertThat(out.tokensPerImage()).containsExactly((int) (grid / 4));
		}
	}

	@Test
	void resizedImagesMatchPilExactlyNotJustWithinTolerance() {
		// one 8-bit level is 1/255/std ≈ 0.0146 after normalisation; anything below 1e-5 means identical bytes
		try (var reference = SafetensorsReader
			.open(FIXTURES.resolve("processor_Qwen2VLImageProcessorPil.safetensors"))) {
			for (String name : List.of("b_100x70", "d_640x480", "e_30x20", "h_150x95", "i_168x112")) {
				float[] ours = PROCESSOR.process(List.of(image(name))).pixelValues();
				assertThat(maxAbsDifference(ours, reference.floats(name + ".pixel_values"))).as(name)
					.isLessThan(1e-5);
			}
		}
	}

	@Test
	void severalImagesConcatenateRowsAndKeepOneGridEach() {
		ProcessedImages both = PROCESSOR.process(List.of(image("a_84x56"), image("b_100x70")));
		assertThat(both.gridThw()).isDeepEqualTo(new long[][] { { 1, 4, 6 }, { 1, 4, 8 } });
		assertThat(both.tokensPerImage()).containsExactly(6, 8);
		assertThat(both.shape()).containsExactly(56, 1176);
		float[] a = PROCESSOR.process(List.of(image("a_84x56"))).pixelValues();
		float[] b = PROCESSOR.process(List.of(image("b_100x70"))).pixelValues();
		float[] joined = new float[a.length + b.length];
		System.arraycopy(a, 0, joined, 0, a.length);
		System.arraycopy(b, 0, joined, a.length, b.length);
		assertThat(both.pixelValues()).containsExactly(joined);
	}

	@Test
	void noImagesGiveEmptyOutputs() {
		ProcessedImages none = PROCESSOR.process(List.of());
		assertThat(none.pixelValues()).isEmpty();
		assertThat(none.gridThw()).isEmpty();
		assertThat(none.shape()).containsExactly(0, 0);
	}

	@Test
	void tinyImagesAreUpsampledNotACrash() {
		// transformers 5 upsamples images under 28 px (e_30x20 becomes 84x56); 1x1 and 10x10 must not abort either
		for (int side : new int[] { 1, 10, 27 }) {
			var tiny = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
			tiny.setRGB(0, 0, 0xFF8040);
			ProcessedImages out = PROCESSOR.process(List.of(tiny));
			assertThat(out.gridThw()[0]).containsExactly(1, 4, 4);
			assertThat(out.pixelValues()).hasSize(16 * 1176).doesNotContain(Float.NaN);
		}
	}

	@Test
	void extremeAspectRatioIsAClearError() {
		var strip = new BufferedImage(201, 1, BufferedImage.TYPE_INT_RGB);
		assertThatThrownBy(() -> PROCESSOR.process(List.of(strip))).isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("201x1")
			.hasMessageContaining("aspect ratio");
	}

	@Test
	void unreadableFileIsAClearError() {
		assertThatThrownBy(() -> ImageProcessor.read(FIXTURES.resolve("processor_reference.json")))
			.isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("not an image");
		assertThatThrownBy(() -> ImageProcessor.read(FIXTURES.resolve("images/missing.png")))
			.isInstanceOf(IllegalArgumentException.class);
	}

	static double maxAbsDifference(float[] actual, float[] expected) {
		assertThat(actual).hasSameSizeAs(expected);
		double max = 0;
		for (int i = 0; i < actual.length; i++) {
			double d = Math.abs(actual[i] - expected[i]);
			max = Math.max(max, d);
		}
		return max;
	}

}

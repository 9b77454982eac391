package dev.vlmr1.studio.model.image;

import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Random;

/**
 * Speed of the whole image processor (RGB conversion, PIL bicubic resize, normalisation, patch flattening) on a
 * 1280×960 photo-sized image with the released defaults (max 28·28·1280 pixels), against the JDK's own bicubic
 * {@code drawImage} resize to the same size measured in the same run (a resize alone, so the ratio bounds what the
 * Java resampler costs relative to the platform's). Run with {@code main}; not a test.
 */
public final class ImageProcessorBenchmark {

	private ImageProcessorBenchmark() {
	}

	public static void main(String[] args) {
		BufferedImage image = noise(1280, 960);
		ImageProcessor processor = new ImageProcessor(PreprocessorConfig.defaults());
		SmartResize size = SmartResize.of(960, 1280, 28, 56 * 56, 28 * 28 * 1280);
		int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
		for (int i = 0; i < 5; i++) {
			processor.process(List.of(image));
			awtBicubic(image, size);
		}
		long start = System.nanoTime();
		for (int i = 0; i < rounds; i++) {
			processor.process(List.of(image));
		}
		double ours = (System.nanoTime() - start) / 1e6 / rounds;
		start = System.nanoTime();
		for (int i = 0; i < rounds; i++) {
			awtBicubic(image, size);
		}
		double awt = (System.nanoTime() - start) / 1e6 / rounds;
		System.out.printf("1280x960 -> %dx%d: processor %.1f ms/image, awt bicubic resize %.1f ms, ratio %.2f%n",
				size.width(), size.height(), ours, awt, ours / awt);
	}

	private static BufferedImage awtBicubic(BufferedImage image, SmartResize size) {
		var out = new BufferedImage(size.width(), size.height(), BufferedImage.TYPE_3BYTE_BGR);
		var g = out.createGraphics();
		g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
		g.drawImage(image, 0, 0, size.width(), size.height(), null);
		g.dispose();
		return out;
	}

	private static BufferedImage noise(int width, int height) {
		var image = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
		var random = new Random(7);
		for (int y = 0; y < height; y++) {
			for (int x = 0; x < width; x++) {
				image.setRGB(x, y, random.nextInt(0x1000000));
			}
		}
		return image;
	}

}

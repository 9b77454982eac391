package dev.vlmr1.studio.model.image;

import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;

/**
 * An 8-bit RGB image as PIL holds one after {@code convert("RGB")}: interleaved bytes, row-major, (H, W, 3).
 *
 * <p>Why not {@code BufferedImage.getRGB} everywhere: for grey images Java converts from a linear grey colour space to
 * sRGB and changes the values, and for 16-bit images it goes through colour management. PIL does neither: it takes the
 * stored samples (grey replicated to three channels, alpha dropped without compositing, palette looked up, 16-bit
 * samples reduced to their high byte). So the samples are read from the raster here.
 *
 * @param width width in pixels
 * @param height height in pixels
 * @param rgb (H, W, 3) unsigned bytes
 */
public record RgbImage(int width, int height, byte[] rgb) {

	public RgbImage {
		if (width <= 0 || height <= 0) {
			throw new IllegalArgumentException("image must not be empty, got " + width + "x" + height);
		}
		if (rgb.length != Math.multiplyExact(Math.multiplyExact(width, height), 3)) {
			throw new IllegalArgumentException(
					"expected " + width + "x" + height + "x3 bytes, got " + rgb.length);
		}
	}

	/** Channel {@code c} of pixel (x, y) as 0..255. */
	public int sample(int x, int y, int c) {
		return rgb[(y * width + x) * 3 + c] & 0xFF;
	}

	/** Converts like PIL's {@code Image.convert("RGB")} (see the type's Javadoc for what that means per kind). */
	public static RgbImage of(BufferedImage image) {
		int width = image.getWidth();
		int height = image.getHeight();
		byte[] rgb = new byte[Math.multiplyExact(Math.multiplyExact(width, height), 3)];
		ColorModel model = image.getColorModel();
		Raster raster = image.getRaster();
		int bands = raster.getNumBands();
		if (model instanceof IndexColorModel || model.isAlphaPremultiplied() || bands < 1) {
			// palette lookup (getRGB is exact here) or premultiplied pixels that getRGB un-premultiplies
			int[] row = new int[width];
			for (int y = 0; y < height; y++) {
				image.getRGB(0, y, width, 1, row, 0, width);
				for (int x = 0; x < width; x++) {
					int i = (y * width + x) * 3;
					rgb[i] = (byte) (row[x] >>> 16);
					rgb[i + 1] = (byte) (row[x] >>> 8);
					rgb[i + 2] = (byte) row[x];
				}
			}
			return new RgbImage(width, height, rgb);
		}
		boolean grey = bands < 3;
		int[] samples = new int[width];
		for (int c = 0; c < 3; c++) {
			int band = grey ? 0 : c;
			int bits = model.getComponentSize(band);
			for (int y = 0; y < height; y++) {
				raster.getSamples(0, y, width, 1, band, samples);
				for (int x = 0; x < width; x++) {
					rgb[(y * width + x) * 3 + c] = (byte) toEightBits(samples[x], bits);
				}
			}
		}
		return new RgbImage(width, height, rgb);
	}

	/** 16-bit samples keep their high byte; 1/2/4-bit grey is stretched to 0..255 as PIL's unpackers do. */
	private static int toEightBits(int sample, int bits) {
		if (bits == 8) {
			return sample;
		}
		if (bits > 8) {
			return sample >>> (bits - 8);
		}
		return sample * 255 / ((1 << bits) - 1);
	}

}

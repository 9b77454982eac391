package dev.vlmr1.studio.demo.worker;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import java.util.Locale;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * An image file's format and size, read from its header only, so a decompression bomb (a small file that claims a
 * huge canvas) is refused before a single pixel is decoded.
 *
 * @param format the format name (png, jpeg, …)
 * @param width width in pixels
 * @param height height in pixels
 */
public record ImageHeader(String format, int width, int height) {

	/** Width × height. */
	public long pixels() {
		return (long) width * height;
	}

	/**
	 * Reads the header of the first image in {@code bytes}.
	 * @throws IllegalArgumentException when the bytes are not an image this JVM can read
	 */
	public static ImageHeader read(byte[] bytes) {
		try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
			Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
			if (readers == null || !readers.hasNext()) {
				throw new IllegalArgumentException("not an image (PNG, JPEG, GIF or BMP expected)");
			}
			ImageReader reader = readers.next();
			try {
				reader.setInput(in, true, true);
				int width = reader.getWidth(0);
				int height = reader.getHeight(0);
				if (width <= 0 || height <= 0) {
					throw new IllegalArgumentException("the image is empty (" + width + "x" + height + ")");
				}
				return new ImageHeader(reader.getFormatName().toLowerCase(Locale.ROOT), width, height);
			}
			finally {
				reader.dispose();
			}
		}
		catch (IOException ex) {
			throw new IllegalArgumentException("unreadable image: " + ex.getMessage(), ex);
		}
	}

	/**
	 * Checks the size against a pixel limit.
	 * @throws IllegalArgumentException naming both when the image is larger
	 */
	public ImageHeader requireAtMost(long maxPixels) {
		if (pixels() > maxPixels) {
			throw new IllegalArgumentException("the image has " + width + "x" + height + " = " + pixels()
					+ " pixels, more than the limit of " + maxPixels);
		}
		return this;
	}

}

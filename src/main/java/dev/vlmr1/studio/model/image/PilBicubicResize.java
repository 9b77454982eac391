package dev.vlmr1.studio.model.image;

/**
 * {@code PIL.Image.resize(size, Image.BICUBIC)} for 8-bit RGB, reproduced step by step so the result is PIL's to the
 * byte (written from reading Pillow's {@code libImaging/Resample.c}; no code taken from it).
 *
 * <p>What makes PIL's bicubic differ from {@code java.awt}'s: the kernel is Keys' cubic with a = -0.5; when shrinking,
 * the kernel is stretched by the scale factor (so it averages over all covered source pixels: antialiasing); weights
 * are normalised per output pixel, then turned into 22-bit fixed-point integers; the image is resampled horizontally
 * first, rounded and clamped to 8 bits, then vertically. Only the rows the vertical pass reads are resampled
 * horizontally, which changes nothing in the result.
 */
public final class PilBicubicResize {

	/** 32 bits minus 8 for the result minus 2 for overflow headroom: PIL's {@code PRECISION_BITS}. */
	private static final int PRECISION_BITS = 32 - 8 - 2;

	private static final double BICUBIC_SUPPORT = 2.0;

	private PilBicubicResize() {
	}

	/** Resizes to {@code width x height}; the same size returns the input (PIL returns a copy). */
	public static RgbImage resize(RgbImage image, int width, int height) {
		if (width <= 0 || height <= 0) {
			throw new IllegalArgumentException("target size must be positive, got " + width + "x" + height);
		}
		Coefficients vertical = Coefficients.of(image.height(), height);
		byte[] pixels = image.rgb();
		int rowOffset = 0;
		int rows = image.height();
		if (width != image.width()) {
			// only the source rows the vertical pass will read: [first, last)
			int first = vertical.bounds[0];
			int last = vertical.bounds[(height - 1) * 2] + vertical.bounds[(height - 1) * 2 + 1];
			pixels = horizontal(pixels, image.width(), first, last - first, Coefficients.of(image.width(), width));
			rowOffset = first;
			rows = last - first;
		}
		if (height != image.height()) {
			pixels = vertical(pixels, width, rowOffset, height, vertical);
			rows = height;
		}
		return new RgbImage(width, rows, pixels);
	}

	/** (rows, inWidth, 3) from row {@code firstRow} → (rows, outWidth, 3). */
	private static byte[] horizontal(byte[] in, int inWidth, int firstRow, int rows, Coefficients k) {
		int outWidth = k.outSize;
		byte[] out = new byte[rows * outWidth * 3];
		for (int y = 0; y < rows; y++) {
			int rowStart = (firstRow + y) * inWidth * 3;
			for (int xx = 0; xx < outWidth; xx++) {
				int xmin = k.bounds[xx * 2];
				int count = k.bounds[xx * 2 + 1];
				int base = xx * k.size;
				int r = 1 << (PRECISION_BITS - 1);
				int g = r;
				int b = r;
				for (int x = 0; x < count; x++) {
					int weight = k.fixed[base + x];
					int p = rowStart + (xmin + x) * 3;
					r += (in[p] & 0xFF) * weight;
					g += (in[p + 1] & 0xFF) * weight;
					b += (in[p + 2] & 0xFF) * weight;
				}
				int o = (y * outWidth + xx) * 3;
				out[o] = clip8(r);
				out[o + 1] = clip8(g);
				out[o + 2] = clip8(b);
			}
		}
		return out;
	}

	/** (rows, width, 3) whose row 0 is source row {@code rowOffset} → (outHeight, width, 3). */
	private static byte[] vertical(byte[] in, int width, int rowOffset, int outHeight, Coefficients k) {
		byte[] out = new byte[outHeight * width * 3];
		int stride = width * 3;
		for (int yy = 0; yy < outHeight; yy++) {
			int ymin = k.bounds[yy * 2] - rowOffset;
			int count = k.bounds[yy * 2 + 1];
			int base = yy * k.size;
			for (int i = 0; i < stride; i++) {
				int sum = 1 << (PRECISION_BITS - 1);
				for (int y = 0; y < count; y++) {
					sum += (in[(ymin + y) * stride + i] & 0xFF) * k.fixed[base + y];
				}
				out[yy * stride + i] = clip8(sum);
			}
		}
		return out;
	}

	private static byte clip8(int sum) {
		int value = sum >> PRECISION_BITS;
		return (byte) (value < 0 ? 0 : Math.min(value, 255));
	}

	/** Keys' cubic convolution kernel with a = -0.5, in PIL's operation order (the doubles must round alike). */
	static double bicubic(double x) {
		final double a = -0.5;
		if (x < 0.0) {
			x = -x;
		}
		if (x < 1.0) {
			return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
		}
		if (x < 2.0) {
			return (((x - 5) * x + 8) * x - 4) * a;
		}
		return 0.0;
	}

	/**
	 * Per output pixel: the first source index, the number of taps, and the fixed-point weights. Mirrors PIL's
	 * {@code precompute_coeffs} + {@code normalize_coeffs_8bpc}.
	 */
	private static final class Coefficients {

		final int outSize;

		final int size;

		final int[] bounds;

		final int[] fixed;

		private Coefficients(int outSize, int size, int[] bounds, int[] fixed) {
			this.outSize = outSize;
			this.size = size;
			this.bounds = bounds;
			this.fixed = fixed;
		}

		static Coefficients of(int inSize, int outSize) {
			double scale = (double) inSize / outSize;
			double filterScale = Math.max(scale, 1.0);
			double support = BICUBIC_SUPPORT * filterScale;
			int size = (int) Math.ceil(support) * 2 + 1;
			int[] bounds = new int[outSize * 2];
			int[] fixed = new int[Math.multiplyExact(outSize, size)];
			double[] weights = new double[size];
			for (int xx = 0; xx < outSize; xx++) {
				double center = (xx + 0.5) * scale;
				double inverse = 1.0 / filterScale;
				int xmin = Math.max((int) (center - support + 0.5), 0);
				int xmax = Math.min((int) (center + support + 0.5), inSize) - xmin;
				double total = 0.0;
				for (int x = 0; x < xmax; x++) {
					double w = bicubic((x + xmin - center + 0.5) * inverse);
					weights[x] = w;
					total += w;
				}
				for (int x = 0; x < xmax; x++) {
					double w = total != 0.0 ? weights[x] / total : weights[x];
					// round half away from zero, then truncate: PIL's (int)(±0.5 + w * 2^22)
					fixed[xx * size + x] = w < 0 ? (int) (-0.5 + w * (1 << PRECISION_BITS))
							: (int) (0.5 + w * (1 << PRECISION_BITS));
				}
				bounds[xx * 2] = xmin;
				bounds[xx * 2 + 1] = xmax;
			}
			return new Coefficients(outSize, size, bounds, fixed);
		}

	}

}

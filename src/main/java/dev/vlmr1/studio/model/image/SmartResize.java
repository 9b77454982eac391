package dev.vlmr1.studio.model.image;

/**
 * The size an image is resized to before patching. Mirrors transformers' {@code smart_resize} (qwen2_vl image
 * processor, 5.x): both sides become multiples of {@code factor} (patch × merge = 28), the area is brought into
 * [minPixels, maxPixels] keeping the aspect ratio as well as possible.
 *
 * <p>Python's {@code round} rounds half to even, hence {@link Math#rint}. Images smaller than the factor are not an
 * error (transformers 5 upsamples them: a 30×20 image becomes 84×56); an aspect ratio over 200 is.
 *
 * @param height resized height in pixels
 * @param width resized width in pixels
 */
public record SmartResize(int height, int width) {

	static final double MAX_ASPECT_RATIO = 200;

	/** Computes the target size for a {@code height x width} image. */
	public static SmartResize of(int height, int width, int factor, long minPixels, long maxPixels) {
		if (height <= 0 || width <= 0) {
			throw new IllegalArgumentException("image must not be empty, got " + width + "x" + height);
		}
		double ratio = (double) Math.max(height, width) / Math.min(height, width);
		if (ratio > MAX_ASPECT_RATIO) {
			throw new IllegalArgumentException("image " + width + "x" + height + " has an aspect ratio of " + ratio
					+ ", more than the " + (int) MAX_ASPECT_RATIO + " the Qwen-VL image processor accepts");
		}
		long hBar = (long) Math.rint((double) height / factor) * factor;
		long wBar = (long) Math.rint((double) width / factor) * factor;
		double area = (double) height * width;
		if (hBar * wBar > maxPixels) {
			double beta = Math.sqrt(area / maxPixels);
			hBar = Math.max(factor, (long) Math.floor(height / beta / factor) * factor);
			wBar = Math.max(factor, (long) Math.floor(width / beta / factor) * factor);
		}
		else if (hBar * wBar < minPixels) {
			double beta = Math.sqrt(minPixels / area);
			hBar = (long) Math.ceil(height * beta / factor) * factor;
			wBar = (long) Math.ceil(width * beta / factor) * factor;
		}
		return new SmartResize(Math.toIntExact(hBar), Math.toIntExact(wBar));
	}

}

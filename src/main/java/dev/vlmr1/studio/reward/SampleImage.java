package dev.vlmr1.studio.reward;

/**
 * One image of a sample: its original size, and the {@code image_grid_thw} it was fed to the model with. The
 * model sees the image resized to {@code (gridH·14, gridW·14)} pixels, so boxes it writes live in that frame.
 *
 * @param width original width in pixels
 * @param height original height in pixels
 * @param gridT temporal patches (1 for an image)
 * @param gridH patch rows (0 when unknown)
 * @param gridW patch columns (0 when unknown)
 */
public record SampleImage(int width, int height, int gridT, int gridH, int gridW) {

	/** Qwen-VL's vision patch size in pixels. */
	public static final int PATCH = 14;

	/** An image whose grid is not known yet (no rescaling possible). */
	public static SampleImage ofSize(int width, int height) {
		return new SampleImage(width, height, 1, 0, 0);
	}

	public boolean hasGrid() {
		return gridH > 0 && gridW > 0;
	}

	/** Width of the model's input frame, {@code gridW·14}. */
	public int inputWidth() {
		return gridW * PATCH;
	}

	/** Height of the model's input frame, {@code gridH·14}. */
	public int inputHeight() {
		return gridH * PATCH;
	}

	/**
	 * Maps a box from the model's input frame to the original image: x' = x / (gridW·14) · W, y' = y / (gridH·14)
	 * · H.
	 */
	public Box toOriginal(Box box) {
		if (!hasGrid() || width <= 0 || height <= 0) {
			throw new IllegalStateException("rescaling needs the original image size and image_grid_thw, got "
					+ this + "; set the parameter rescale=false");
		}
		return box.scale((double) width / inputWidth(), (double) height / inputHeight());
	}

}

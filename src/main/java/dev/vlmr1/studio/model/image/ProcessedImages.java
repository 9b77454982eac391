package dev.vlmr1.studio.model.image;

/**
 * What the vision tower takes for the images of one prompt (or batch): transformers' {@code pixel_values} and
 * {@code image_grid_thw}, plus how many {@code <|image_pad|>} tokens each image fills.
 *
 * @param pixelValues (P, C·T·p·p) = (P, 1176) row-major, the rows of all images concatenated in order
 * @param gridThw one (t, h, w) patch grid per image
 * @param tokensPerImage t·h·w / merge² per image: the length of its {@code <|image_pad|>} run after the merger
 */
public record ProcessedImages(float[] pixelValues, long[][] gridThw, int[] tokensPerImage) {

	/** P: patches over all images. */
	public int patchCount() {
		long total = 0;
		for (long[] grid : gridThw) {
			total += grid[0] * grid[1] * grid[2];
		}
		return Math.toIntExact(total);
	}

	/** Values per patch row (1176 for Qwen-VL: 3 channels × 2 frames × 14 × 14). */
	public int rowLength() {
		int patches = patchCount();
		return patches == 0 ? 0 : pixelValues.length / patches;
	}

	/** (P, rowLength) as {@code long[]} for an NDArray shape. */
	public long[] shape() {
		return new long[] { patchCount(), rowLength() };
	}

}

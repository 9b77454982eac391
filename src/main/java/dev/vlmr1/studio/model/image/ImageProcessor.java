package dev.vlmr1.studio.model.image;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import javax.imageio.ImageIO;

import dev.vlmr1.studio.model.lora.PeftAdapterFiles;

/**
 * Turns images into the vision tower's input. Mirrors transformers' {@code Qwen2VLImageProcessorPil._preprocess}:
 * convert to RGB, {@link SmartResize}, {@link PilBicubicResize}, rescale by 1/255, normalise with the CLIP mean/std,
 * repeat the still frame {@code temporal_patch_size} times, and flatten into patch rows.
 *
 * <p>Row order is (t, block-row, block-col, row-in-block, col-in-block) with 2×2 merge blocks, so every 4
 * consecutive rows form one merged token; columns are (channel, frame, py, px). Legend: P patches, p = 14 patch side,
 * T = 2 frames, m = 2 merge size.
 */
public final class ImageProcessor {

	private final PreprocessorConfig config;

	/** Per channel, the normalised value of each 8-bit level: (v·rescale − mean) / std in float32, as numpy does. */
	private final float[][] levels = new float[3][256];

	public ImageProcessor(PreprocessorConfig config) {
		this.config = config;
		for (int c = 0; c < 3; c++) {
			for (int v = 0; v < 256; v++) {
				// numpy: uint8 → float64 · scale → float32, then (x − mean) / std in float32
				float scaled = (float) (v * config.rescaleFactor());
				levels[c][v] = (scaled - config.imageMean()[c]) / config.imageStd()[c];
			}
		}
	}

	/**
	 * The processor a checkpoint directory describes ({@code preprocessor_config.json} or transformers 5's
	 * {@code processor_config.json}, defaults if neither); a bare PEFT adapter's comes from its base.
	 */
	public static ImageProcessor fromCheckpoint(Path directory) {
		Path dir = PreprocessorConfig.file(directory).isEmpty() && PeftAdapterFiles.isAdapter(directory)
				? PeftAdapterFiles.basePath(directory) : directory;
		return new ImageProcessor(PreprocessorConfig.inDirectory(dir));
	}

	public PreprocessorConfig config() {
		return config;
	}

	/**
	 * Reads an image file (PNG, JPEG, BMP, GIF; WebP through the TwelveMonkeys plugin), with a clear error for
	 * anything unreadable.
	 */
	public static BufferedImage read(Path file) {
		try {
			BufferedImage image = ImageIO.read(file.toFile());
			if (image == null) {
				throw new IllegalArgumentException(file + ": not an image format this JVM can read");
			}
			return image;
		}
		catch (IOException ex) {
			throw new IllegalArgumentException(file + ": cannot read image: " + ex.getMessage(), ex);
		}
	}

	/** Processes the images of one prompt, in order; an empty list gives empty outputs. */
	public ProcessedImages process(List<BufferedImage> images) {
		List<RgbImage> rgb = new ArrayList<>(images.size());
		for (BufferedImage image : images) {
			rgb.add(RgbImage.of(image));
		}
		return processRgb(rgb);
	}

	/** As {@link #process} for images already converted to RGB. */
	public ProcessedImages processRgb(List<RgbImage> images) {
		List<float[]> rows = new ArrayList<>();
		long[][] grids = new long[images.size()][];
		int[] tokens = new int[images.size()];
		long total = 0;
		for (int i = 0; i < images.size(); i++) {
			RgbImage image = images.get(i);
			SmartResize size = SmartResize.of(image.height(), image.width(), config.factor(), config.minPixels(),
					config.maxPixels());
			RgbImage resized = PilBicubicResize.resize(image, size.width(), size.height());
			int p = config.patchSize();
			// a still image is one temporal patch: its frame repeated temporal_patch_size times
			grids[i] = new long[] { 1, resized.height() / p, resized.width() / p };
			int merge = config.mergeSize();
			tokens[i] = Math.toIntExact(grids[i][1] * grids[i][2] / (merge * merge));
			float[] patches = flatten(resized);
			rows.add(patches);
			total += patches.length;
		}
		float[] pixelValues = new float[Math.toIntExact(total)];
		int offset = 0;
		for (float[] part : rows) {
			System.arraycopy(part, 0, pixelValues, offset, part.length);
			offset += part.length;
		}
		return new ProcessedImages(pixelValues, grids, tokens);
	}

	/** (H, W, 3) uint8 → (gridH·gridW, 3·T·p·p) normalised patch rows. */
	private float[] flatten(RgbImage image) {
		int p = config.patchSize();
		int frames = config.temporalPatchSize();
		int m = config.mergeSize();
		int gridH = image.height() / p;
		int gridW = image.width() / p;
		int rowLength = 3 * frames * p * p;
		float[] out = new float[Math.multiplyExact(gridH * gridW, rowLength)];
		int row = 0;
		for (int bh = 0; bh < gridH / m; bh++) {
			for (int bw = 0; bw < gridW / m; bw++) {
				for (int mh = 0; mh < m; mh++) {
					for (int mw = 0; mw < m; mw++) {
						int top = (bh * m + mh) * p;
						int left = (bw * m + mw) * p;
						int col = row * rowLength;
						for (int c = 0; c < 3; c++) {
							for (int t = 0; t < frames; t++) {
								for (int py = 0; py < p; py++) {
									for (int px = 0; px < p; px++) {
										out[col++] = levels[c][image.sample(left + px, top + py, c)];
									}
								}
							}
						}
						row++;
					}
				}
			}
		}
		return out;
	}

}

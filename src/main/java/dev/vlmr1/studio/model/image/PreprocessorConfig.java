package dev.vlmr1.studio.model.image;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The settings of {@code preprocessor_config.json} that the Qwen2-VL image processor uses. Defaults are
 * transformers' {@code Qwen2VLImageProcessor} defaults, used for any field the file leaves out.
 *
 * @param minPixels smallest resized area ({@code min_pixels}, or {@code size.shortest_edge} in newer files)
 * @param maxPixels largest resized area ({@code max_pixels}, or {@code size.longest_edge})
 * @param patchSize spatial patch side (14)
 * @param temporalPatchSize frames per patch (2: a still image is duplicated)
 * @param mergeSize patches merged per side by the vision merger (2)
 * @param rescaleFactor multiplier to [0, 1] (1/255)
 * @param imageMean per-channel mean (CLIP's)
 * @param imageStd per-channel standard deviation (CLIP's)
 */
public record PreprocessorConfig(long minPixels, long maxPixels, int patchSize, int temporalPatchSize, int mergeSize,
		double rescaleFactor, float[] imageMean, float[] imageStd) {

	static final float[] CLIP_MEAN = { 0.48145466f, 0.4578275f, 0.40821073f };

	static final float[] CLIP_STD = { 0.26862954f, 0.26130258f, 0.27577711f };

	public PreprocessorConfig {
		if (minPixels <= 0 || maxPixels < minPixels) {
			throw new IllegalArgumentException(
					"need 0 < min_pixels <= max_pixels, got " + minPixels + ", " + maxPixels);
		}
		if (patchSize <= 0 || temporalPatchSize <= 0 || mergeSize <= 0) {
			throw new IllegalArgumentException("patch sizes must be positive");
		}
		if (imageMean.length != 3 || imageStd.length != 3) {
			throw new IllegalArgumentException("image_mean and image_std need 3 channels");
		}
	}

	/** transformers' defaults: min 56·56, max 28·28·1280, patch 14, temporal 2, merge 2, CLIP mean/std. */
	public static PreprocessorConfig defaults() {
		return new PreprocessorConfig(56 * 56, 28 * 28 * 1280, 14, 2, 2, 1 / 255.0, CLIP_MEAN.clone(),
				CLIP_STD.clone());
	}

	/**
	 * The file of a checkpoint directory that holds the image processor's settings: {@code preprocessor_config.json}
	 * (transformers 4.x, and the released checkpoints), else {@code processor_config.json} (transformers 5 writes
	 * only this one, with the settings under {@code image_processor}); empty if there is neither.
	 */
	public static Optional<Path> file(Path dir) {
		return Stream.of("preprocessor_config.json", "processor_config.json")
			.map(dir::resolve)
			.filter(Files::isRegularFile)
			.findFirst();
	}

	/** The settings in a checkpoint directory, transformers' defaults if it has no processor file. */
	public static PreprocessorConfig inDirectory(Path dir) {
		return file(dir).map(PreprocessorConfig::read).orElseGet(PreprocessorConfig::defaults);
	}

	/**
	 * The same processing with other smart_resize bounds, as a run's {@code min_pixels}/{@code max_pixels} (and
	 * VLM-R1's processor arguments) override the checkpoint's.
	 */
	public PreprocessorConfig withPixels(long min, long max) {
		return new PreprocessorConfig(min, max, patchSize, temporalPatchSize, mergeSize, rescaleFactor, imageMean,
				imageStd);
	}

	/** Reads a {@code preprocessor_config.json}, or the {@code image_processor} of a {@code processor_config.json}. */
	public static PreprocessorConfig read(Path file) {
		try {
			JsonNode json = new ObjectMapper().readTree(file.toFile());
			return of(json.path("image_processor").isObject() ? json.get("image_processor") : json);
		}
		catch (IOException ex) {
			throw new IllegalArgumentException(file + ": cannot read preprocessor config: " + ex.getMessage(), ex);
		}
	}

	static PreprocessorConfig of(JsonNode json) {
		var d = defaults();
		JsonNode size = json.path("size");
		// min_pixels/max_pixels win over size, as in transformers' backward-compatible constructor
		long min = json.path("min_pixels").asLong(size.path("shortest_edge").asLong(d.minPixels()));
		long max = json.path("max_pixels").asLong(size.path("longest_edge").asLong(d.maxPixels()));
		return new PreprocessorConfig(min, max, json.path("patch_size").asInt(d.patchSize()),
				json.path("temporal_patch_size").asInt(d.temporalPatchSize()),
				json.path("merge_size").asInt(d.mergeSize()),
				json.path("rescale_factor").asDouble(d.rescaleFactor()), floats(json.path("image_mean"), d.imageMean()),
				floats(json.path("image_std"), d.imageStd()));
	}

	private static float[] floats(JsonNode node, float[] fallback) {
		if (!node.isArray()) {
			return fallback;
		}
		float[] out = new float[node.size()];
		for (int i = 0; i < out.length; i++) {
			out[i] = (float) node.get(i).asDouble();
		}
		return out;
	}

	/** Side length in pixels that resized images are multiples of: patch × merge (28). */
	public int factor() {
		return patchSize * mergeSize;
	}

}

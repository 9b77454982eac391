package dev.vlmr1.studio.plan;

import java.nio.file.Path;

import dev.vlmr1.studio.model.ModelType;
import dev.vlmr1.studio.model.QwenVlConfig;
import dev.vlmr1.studio.model.TextConfig;
import dev.vlmr1.studio.model.VisionConfig;
import dev.vlmr1.studio.model.image.PreprocessorConfig;

/**
 * What the memory plan needs to know of a model: its {@code config.json} and the largest image area its image
 * processor lets through. Counts parameters the way the loader creates them (a tied output head once).
 *
 * @param processorMaxPixels {@code max_pixels} of the checkpoint's {@code preprocessor_config.json}
 */
public record ModelShape(QwenVlConfig config, long processorMaxPixels) {

	/** Reads {@code config.json} and, when present, the image processor's settings of a checkpoint directory. */
	public static ModelShape load(Path dir) {
		return new ModelShape(QwenVlConfig.load(dir), PreprocessorConfig.inDirectory(dir).maxPixels());
	}

	public TextConfig text() {
		return config.text();
	}

	public VisionConfig vision() {
		return config.vision();
	}

	/** Every parameter of the model: vision tower, decoder, final norm, embedding and (untied) head. */
	public long parameters() {
		return visionParameters() + textParameters();
	}

	/** The vision tower's parameters ({@code visual.*}): what {@code freeze_vision} takes out of training. */
	public long visionParameters() {
		VisionConfig v = vision();
		long w = v.width();
		boolean qwen25 = v.modelType() == ModelType.QWEN2_5_VL;
		long norm = qwen25 ? w : 2 * w; // RMSNorm weight, or LayerNorm weight + bias
		long mlp = qwen25 ? 3 * w * v.intermediateSize() + 2L * v.intermediateSize() + w
				: 2 * w * v.intermediateSize() + v.intermediateSize() + w;
		long block = 2 * norm + (3 * w * w + 3 * w) + (w * w + w) + mlp;
		long merged = w * v.spatialMergeSize() * v.spatialMergeSize();
		long merger = norm + (merged * merged + merged) + (merged * v.outHiddenSize() + v.outHiddenSize());
		return w * v.patchDim() + v.depth() * block + merger;
	}

	/** The language model's parameters: embedding, decoder layers, final norm, untied head. */
	public long textParameters() {
		TextConfig t = text();
		long c = t.hiddenSize();
		long q = (long) t.numHeads() * t.headDim();
		long kv = (long) t.numKeyValueHeads() * t.headDim();
		long layer = 2 * c + (c * q + q) + 2 * (c * kv + kv) + q * c + 3 * c * t.intermediateSize();
		long embedding = (long) t.vocabSize() * c;
		return embedding + t.numLayers() * layer + c + (t.tieWordEmbeddings() ? 0 : embedding);
	}

	/**
	 * The parameters that are vectors: norm weights and biases (the vision tower's LayerNorm biases included). They
	 * stay float32 in a half-precision base; every other parameter is a matrix (or the patch embedding's kernel).
	 */
	public long vectorParameters() {
		TextConfig t = text();
		long c = t.hiddenSize();
		long q = (long) t.numHeads() * t.headDim();
		long kv = (long) t.numKeyValueHeads() * t.headDim();
		long text = t.numLayers() * (2 * c + q + 2 * kv) + c;
		VisionConfig v = vision();
		long w = v.width();
		boolean qwen25 = v.modelType() == ModelType.QWEN2_5_VL;
		long norm = qwen25 ? w : 2 * w;
		long mlpBiases = qwen25 ? 2L * v.intermediateSize() + w : v.intermediateSize() + w;
		long block = 2 * norm + 3 * w + w + mlpBiases;
		long merged = w * v.spatialMergeSize() * v.spatialMergeSize();
		return text + v.depth() * block + norm + merged + v.outHiddenSize();
	}

	/**
	 * LoRA parameters of rank {@code r} on the decoder's q, k, v, o, gate, up and down projections: r·(in + out)
	 * per adapted linear.
	 */
	public long loraParameters(int r) {
		TextConfig t = text();
		long c = t.hiddenSize();
		long q = (long) t.numHeads() * t.headDim();
		long kv = (long) t.numKeyValueHeads() * t.headDim();
		long i = t.intermediateSize();
		long perLayer = (c + q) + 2 * (c + kv) + (q + c) + 2 * (c + i) + (i + c);
		return (long) r * perLayer * t.numLayers();
	}

	/**
	 * Image tokens of the largest image the run can see: the area capped by the run's {@code max_pixels} (which
	 * replaces the processor's in training and evaluation) or, when it sets none (0), the processor's, as a square
	 * image in whole merge units.
	 */
	public long imageTokens(long runMaxPixels) {
		long area = runMaxPixels > 0 ? runMaxPixels : processorMaxPixels;
		long unit = (long) vision().patchSize() * vision().spatialMergeSize();
		return Math.max(1, area / (unit * unit));
	}

}

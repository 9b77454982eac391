package dev.vlmr1.studio.demo.worker;

import java.nio.file.Path;

import ai.djl.Device;

import dev.vlmr1.studio.model.ChatTemplate;
import dev.vlmr1.studio.model.QwenVlModel;
import dev.vlmr1.studio.model.RunDevice;
import dev.vlmr1.studio.model.image.ImageProcessor;
import dev.vlmr1.studio.model.tokenizer.QwenTokenizer;

/**
 * Everything a checkpoint directory gives for inference: the model, its tokenizer and chat template, and its image
 * processor ({@code preprocessor_config.json}). Closing frees the model's native memory.
 */
record LoadedModel(QwenVlModel model, QwenTokenizer tokenizer, ChatTemplate template, ImageProcessor processor,
		long weightBytes) implements AutoCloseable {

	/**
	 * Loads a checkpoint.
	 * @throws IllegalArgumentException (tokenizer) or a model exception when the directory is not usable
	 */
	static LoadedModel load(Path dir) {
		return load(dir, RunDevice.configured());
	}

	/** Loads a checkpoint onto {@code device}: requests run there too, their inputs made from the model's manager. */
	static LoadedModel load(Path dir, Device device) {
		QwenTokenizer tokenizer = QwenTokenizer.load(dir);
		try {
			ImageProcessor processor = ImageProcessor.fromCheckpoint(dir);
			QwenVlModel model = QwenVlModel.load(dir, device);
			return new LoadedModel(model, tokenizer, new ChatTemplate(tokenizer), processor, weightBytes(model));
		}
		catch (RuntimeException ex) {
			tokenizer.close();
			throw ex;
		}
	}

	/** Native bytes of the model's parameters (tied ones once). */
	private static long weightBytes(QwenVlModel model) {
		return model.parameters()
			.all()
			.values()
			.stream()
			.distinct()
			.mapToLong((a) -> a.size() * a.getDataType().getNumOfBytes())
			.sum();
	}

	@Override
	public void close() {
		model.close();
		tokenizer.close();
	}

}

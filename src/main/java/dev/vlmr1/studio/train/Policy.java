package dev.vlmr1.studio.train;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import dev.vlmr1.studio.model.ModelInputs;
import dev.vlmr1.studio.model.ModelOutput;
import dev.vlmr1.studio.model.QwenVlConfig;
import dev.vlmr1.studio.model.QwenVlModel;

/**
 * A model as the trainers use it: one forward from pixels to logits, and the parameters by released name
 * ({@code visual.*}, {@code model.*}) split into trainable and frozen ({@code freeze_vision}). Released names are
 * the naming of gradients, optimizer state and saved checkpoints alike.
 */
public final class Policy implements AutoCloseable {

	private final QwenVlModel model;

	public Policy(QwenVlModel model) {
		this.model = model;
	}

	/** Loads a checkpoint directory (config.json + safetensors) on the default device. */
	public static Policy load(Path dir) {
		return new Policy(QwenVlModel.load(dir));
	}

	/** A full forward pass; temporaries live on the inputs' manager. */
	public ModelOutput forward(ModelInputs inputs) {
		return model.forward(inputs);
	}

	/** Every parameter by released name; the tied output head appears once, as the embedding. */
	public Map<String, NDArray> parameters() {
		return model.parameters().all();
	}

	/** The parameters the optimizer updates: all, or all but the vision tower's ({@code freeze_vision}). */
	public Map<String, NDArray> trainable(boolean freezeVision) {
		if (!freezeVision) {
			return parameters();
		}
		Map<String, NDArray> text = new LinkedHashMap<>();
		parameters().forEach((name, p) -> {
			if (!name.startsWith("visual.")) {
				text.put(name, p);
			}
		});
		return Collections.unmodifiableMap(text);
	}

	public QwenVlModel model() {
		return model;
	}

	public QwenVlConfig config() {
		return model.config();
	}

	/** The model's manager: per-step sub-managers come from here so inputs sit on the model's device. */
	public NDManager manager() {
		return model.manager();
	}

	@Override
	public void close() {
		model.close();
	}

}

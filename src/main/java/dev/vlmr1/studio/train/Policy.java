package dev.vlmr1.studio.train;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.jspecify.annotations.Nullable;

import dev.vlmr1.studio.model.CheckpointException;
import dev.vlmr1.studio.model.ModelInputs;
import dev.vlmr1.studio.model.ModelOutput;
import dev.vlmr1.studio.model.Parameters;
import dev.vlmr1.studio.model.QwenVlConfig;
import dev.vlmr1.studio.model.QwenVlModel;
import dev.vlmr1.studio.model.TensorSource;
import dev.vlmr1.studio.model.Weights;
import dev.vlmr1.studio.model.vision.VisionTransformer;

/**
 * A model as the trainers use it: the language model plus the vision tower, one forward from pixels to logits, and
 * every parameter under its released name ({@code visual.*} first, then {@code model.*}), which is the naming of
 * gradients, optimizer state and saved checkpoints.
 *
 * <p>Why a wrapper: {@link QwenVlModel} takes ready-made image features when it has no vision tower, so images are
 * encoded here and passed as {@code image_embeds}; the gradient flows through both.
 */
public final class Policy implements AutoCloseable {

	private final QwenVlModel model;

	private final @Nullable VisionTransformer vision;

	private final @Nullable NDManager visionManager;

	private final Map<String, NDArray> parameters = new LinkedHashMap<>();

	private final int visionParameterCount;

	private Policy(QwenVlModel model, @Nullable VisionTransformer vision, @Nullable NDManager visionManager,
			@Nullable Parameters visionParameters) {
		this.model = model;
		this.vision = vision;
		this.visionManager = visionManager;
		if (visionParameters != null) {
			parameters.putAll(visionParameters.all());
		}
		this.visionParameterCount = parameters.size();
		parameters.putAll(model.parameters().all());
	}

	/** Loads a checkpoint directory (config.json + safetensors) on the default device. */
	public static Policy load(Path dir) {
		return load(dir, Engine.getInstance().defaultDevice());
	}

	public static Policy load(Path dir, Device device) {
		if (!Files.isDirectory(dir)) {
			throw new CheckpointException(dir + ": not a checkpoint directory");
		}
		QwenVlConfig config = QwenVlConfig.load(dir);
		try (Weights weights = Weights.open(dir)) {
			boolean hasVision = weights.names().stream().anyMatch((n) -> n.startsWith("visual."));
			return build(config, weights, hasVision, device, () -> QwenVlModel.load(config, weights, device));
		}
	}

	/** Builds a policy from any tensor source (e.g. a seeded initialiser for a new model), with its vision tower. */
	public static Policy create(QwenVlConfig config, TensorSource source, Device device) {
		return build(config, source, true, device, () -> QwenVlModel.load(config, source, device));
	}

	private static Policy build(QwenVlConfig config, TensorSource source, boolean withVision, Device device,
			java.util.function.Supplier<QwenVlModel> text) {
		NDManager visionManager = withVision ? NDManager.newBaseManager(device) : null;
		try {
			Parameters visionParams = visionManager == null ? null : new Parameters(visionManager, source);
			VisionTransformer vision = visionParams == null ? null
					: VisionTransformer.load(config.vision(), visionParams);
			return new Policy(text.get(), vision, visionManager, visionParams);
		}
		catch (RuntimeException ex) {
			if (visionManager != null) {
				visionManager.close();
			}
			throw ex;
		}
	}

	/**
	 * A full forward pass: images (pixel values + grids) go through the vision tower, then the language model.
	 * Temporaries live on the inputs' manager.
	 */
	public ModelOutput forward(ModelInputs inputs) {
		if (inputs.pixelValues() != null && inputs.imageEmbeds() == null) {
			if (vision == null) {
				throw new IllegalStateException("this checkpoint has no vision tower, but the inputs have images");
			}
			NDArray features = vision.forward(inputs.pixelValues(), inputs.imageGridThw());
			inputs = new ModelInputs(inputs.inputIds(), inputs.attentionMask(), null, inputs.imageGridThw(), features,
					inputs.outputHiddenStates(), inputs.logitsToKeep());
		}
		return model.forward(inputs);
	}

	/** Every parameter by released name, vision first; the tied output head appears once, as the embedding. */
	public Map<String, NDArray> parameters() {
		return Collections.unmodifiableMap(parameters);
	}

	/** The parameters the optimizer updates: all, or all but the vision tower's ({@code freeze_vision}). */
	public Map<String, NDArray> trainable(boolean freezeVision) {
		if (!freezeVision) {
			return parameters();
		}
		Map<String, NDArray> text = new LinkedHashMap<>();
		parameters.forEach((name, p) -> {
			if (!name.startsWith("visual.")) {
				text.put(name, p);
			}
		});
		return Collections.unmodifiableMap(text);
	}

	/** Number of vision parameters (tensors). */
	public int visionParameterCount() {
		return visionParameterCount;
	}

	public QwenVlModel model() {
		return model;
	}

	public QwenVlConfig config() {
		return model.config();
	}

	/** The text model's manager: per-step sub-managers come from here so inputs sit on the model's device. */
	public NDManager manager() {
		return model.manager();
	}

	@Override
	public void close() {
		model.close();
		if (visionManager != null) {
			visionManager.close();
		}
	}

}

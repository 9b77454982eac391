package dev.vlmr1.studio.model;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.jspecify.annotations.Nullable;

import dev.vlmr1.studio.model.lora.LoraAdapters;
import dev.vlmr1.studio.model.lora.LoraConfig;
import dev.vlmr1.studio.model.lora.PeftAdapterFiles;
import dev.vlmr1.studio.model.text.KvCache;
import dev.vlmr1.studio.model.text.LayerCheckpoints;
import dev.vlmr1.studio.model.text.RopeIndex;
import dev.vlmr1.studio.model.text.TextModel;
import dev.vlmr1.studio.model.vision.VisionTransformer;

/**
 * A Qwen2-VL / Qwen2.5-VL model: vision tower, language model and output head. Mirrors
 * {@code Qwen2_5_VLForConditionalGeneration.forward}: embeds the tokens, scatters the image features into the
 * {@code <|image_pad|>} positions, computes the M-RoPE index, runs the decoder and projects to logits.
 *
 * <p>The forward is made of differentiable NDArray operations, so a trainer can call
 * {@code setRequiresGradient(true)} on {@link #parameters()} and backpropagate through it. Per-call temporaries
 * live on the inputs' manager.
 *
 * <p>Legend: B batch, T tokens, S cached + new tokens, C hidden size, V vocabulary, N image tokens.
 */
public final class QwenVlModel implements AutoCloseable {

	private final QwenVlConfig config;

	private final Parameters parameters;

	private final TextModel text;

	private final VisionTransformer vision;

	private final RopeIndex.Tokens ropeTokens;

	private @Nullable LoraAdapters lora;

	private QwenVlModel(QwenVlConfig config, Parameters parameters, TextModel text, VisionTransformer vision) {
		this.config = config;
		this.parameters = parameters;
		this.text = text;
		this.vision = vision;
		this.ropeTokens = new RopeIndex.Tokens(config.imageTokenId(), config.vision().spatialMergeSize(),
				config.modelType() == ModelType.QWEN2_VL);
	}

	/** Loads a checkpoint directory ({@code config.json} + safetensors) onto {@link RunDevice#configured()}. */
	public static QwenVlModel load(Path dir) {
		return load(dir, RunDevice.configured());
	}

	/**
	 * Loads a checkpoint directory, or a PEFT adapter directory ({@code adapter_config.json}) on top of the base its
	 * {@code base_model_name_or_path} names (a path, absolute or relative to the adapter).
	 */
	public static QwenVlModel load(Path dir, Device device) {
		return load(dir, device, TorchDtype.FLOAT32);
	}

	/** As {@link #load(Path, Device)}, with the base's matrices in {@code dtype}. */
	public static QwenVlModel load(Path dir, Device device, TorchDtype dtype) {
		if (!Files.isDirectory(dir)) {
			throw new CheckpointException(dir + ": not a checkpoint directory");
		}
		if (PeftAdapterFiles.isAdapter(dir)) {
			return loadWithAdapter(PeftAdapterFiles.basePath(dir), dir, device, dtype);
		}
		try (Weights weights = Weights.open(dir)) {
			return load(QwenVlConfig.load(dir), weights, device, dtype);
		}
	}

	/**
	 * Loads a base checkpoint and attaches the PEFT adapter in {@code adapterDir} (whatever base it names).
	 * @throws CheckpointException if the adapter is unreadable or covers layers the base does not have
	 */
	public static QwenVlModel loadWithAdapter(Path baseDir, Path adapterDir, Device device) {
		return loadWithAdapter(baseDir, adapterDir, device, TorchDtype.FLOAT32);
	}

	/** As {@link #loadWithAdapter(Path, Path, Device)}, with the base's matrices in {@code dtype} (the adapter in float32). */
	public static QwenVlModel loadWithAdapter(Path baseDir, Path adapterDir, Device device, TorchDtype dtype) {
		if (PeftAdapterFiles.isAdapter(baseDir)) {
			throw new CheckpointException(baseDir + ": the base of an adapter must be a full checkpoint, not an adapter");
		}
		PeftAdapterFiles.Adapter adapter = PeftAdapterFiles.read(adapterDir);
		QwenVlModel model = load(baseDir, device, dtype);
		try {
			Set<String> unknown = new TreeSet<>(adapter.modules());
			unknown.removeAll(model.parameters.projections().keySet());
			if (!unknown.isEmpty()) {
				throw new CheckpointException(adapterDir + ": the adapter covers layers the base model " + baseDir
						+ " does not have: " + unknown);
			}
			model.attachLora(adapter.config(), adapter.source(), adapter.modules()::contains);
			return model;
		}
		catch (RuntimeException ex) {
			model.close();
			throw ex;
		}
	}

	/**
	 * Loads the model from checkpoint tensors and checks that every tensor was used (a leftover {@code lm_head}
	 * of a tied checkpoint excepted).
	 */
	public static QwenVlModel load(QwenVlConfig config, Weights weights, Device device) {
		return load(config, weights, device, TorchDtype.FLOAT32);
	}

	/** As {@link #load(QwenVlConfig, Weights, Device)}, with the matrices in {@code dtype}. */
	public static QwenVlModel load(QwenVlConfig config, Weights weights, Device device, TorchDtype dtype) {
		QwenVlModel model = load(config, (TensorSource) weights, device, dtype);
		Set<String> left = new TreeSet<>(weights.unconsumed());
		if (config.text().tieWordEmbeddings()) {
			left.remove("lm_head.weight");
		}
		if (!left.isEmpty()) {
			model.close();
			throw new CheckpointException("checkpoint has tensors the model does not use: " + left);
		}
		return model;
	}

	/** Builds the model from any tensor source onto {@link RunDevice#configured()}. */
	public static QwenVlModel load(QwenVlConfig config, TensorSource source) {
		return load(config, source, RunDevice.configured());
	}

	/** Builds the model from any tensor source (a checkpoint, or an initialiser for a new or benchmark model). */
	public static QwenVlModel load(QwenVlConfig config, TensorSource source, Device device) {
		return load(config, source, device, TorchDtype.FLOAT32);
	}

	/**
	 * Builds the model with its matrices in {@code dtype}: float16 loads each matrix straight into half precision
	 * (norms and biases stay float32), for a frozen base under LoRA adapters, which are always float32.
	 */
	public static QwenVlModel load(QwenVlConfig config, TensorSource source, Device device, TorchDtype dtype) {
		NDManager manager = NDManager.newBaseManager(device);
		try {
			Parameters params = new Parameters(manager, source, dtype);
			VisionTransformer vision = VisionTransformer.load(config.vision(), params);
			TextModel text = TextModel.load(config.text(), params);
			return new QwenVlModel(config, params, text, vision);
		}
		catch (RuntimeException ex) {
			manager.close();
			throw ex;
		}
	}

	public QwenVlConfig config() {
		return config;
	}

	/** The precision of the base's matrices. */
	public TorchDtype torchDtype() {
		return parameters.dtype();
	}

	/** Every parameter by its released name; the tied output head appears once, as the embedding. */
	public Parameters parameters() {
		return parameters;
	}

	/** The manager that owns the parameters: make per-call sub-managers from it so inputs sit on the same device. */
	public NDManager manager() {
		return parameters.manager();
	}

	/**
	 * Attaches LoRA adapters to the layers {@code config.targets()} selects, with values from {@code source}
	 * ({@link LoraAdapters#peftInit} for fresh ones, or a saved adapter). The base parameters stay as they are.
	 * @throws IllegalStateException if the model already has adapters
	 */
	public LoraAdapters attachLora(LoraConfig config, TensorSource source) {
		if (lora != null) {
			throw new IllegalStateException("the model already has LoRA adapters");
		}
		lora = LoraAdapters.attach(parameters.projections(), manager(), config, source);
		return lora;
	}

	/** As {@link #attachLora(LoraConfig, TensorSource)}, on exactly the layers {@code selects} accepts. */
	public LoraAdapters attachLora(LoraConfig config, TensorSource source, java.util.function.Predicate<String> selects) {
		if (lora != null) {
			throw new IllegalStateException("the model already has LoRA adapters");
		}
		lora = LoraAdapters.attach(parameters.projections(), manager(), config, source, selects);
		return lora;
	}

	/** The attached LoRA adapters, or null. */
	public @Nullable LoraAdapters lora() {
		return lora;
	}

	/** Removes the LoRA adapters (their arrays stay on the model's manager until it closes). */
	public void detachLora() {
		if (lora != null) {
			lora.detach();
			lora = null;
		}
	}

	/**
	 * Gradient checkpointing of the decoder layers until the result is closed (see {@link LayerCheckpoints}): call its
	 * {@link LayerCheckpoints#backward()} right after the loss's backward.
	 */
	public LayerCheckpoints checkpointing() {
		return text.checkpointing();
	}

	public TextModel text() {
		return text;
	}

	public VisionTransformer vision() {
		return vision;
	}

	/** A full forward pass with no cache. */
	public ModelOutput forward(ModelInputs inputs) {
		return forward(inputs, null);
	}

	/**
	 * A forward pass over new tokens. With an empty cache (or none) this is the prefill: images are encoded and
	 * scattered in, the M-RoPE index is computed and its deltas stored in the cache. With a filled cache the inputs
	 * are the next tokens only, positioned at (attended tokens so far + rope delta) on all three axes.
	 * @param cache extended in place; null for a plain forward
	 */
	public ModelOutput forward(ModelInputs inputs, @Nullable KvCache cache) {
		NDManager manager = inputs.inputIds().getManager();
		NDArray inputIds = inputs.inputIds().toType(DataType.INT64, false);
		long[][] ids = rows(inputIds);
		long[][] mask = inputs.attentionMask() == null ? null : rows(inputs.attentionMask());
		int batch = ids.length;
		int tokens = ids[0].length;
		NDArray embeds = text.embed(inputIds); // (B, T, C)
		NDArray imageEmbeds = null;
		long[] positions;
		long[] deltas;
		if (cache == null || cache.length() == 0) {
			imageEmbeds = imageFeatures(inputs);
			if (imageEmbeds != null) {
				embeds = scatterImages(embeds, inputIds, ids, imageEmbeds);
			}
			RopeIndex index = RopeIndex.compute(ids, mask, inputs.imageGridThw(), ropeTokens);
			positions = index.flat();
			deltas = index.deltas();
			if (cache != null) {
				cache.setRopeDeltas(deltas);
			}
		}
		else {
			deltas = cache.ropeDeltas();
			positions = RopeIndex.decodePositions(mask, batch, tokens, cache.length(), deltas);
		}
		NDArray positionIds = manager.create(positions, new Shape(3, batch, tokens));
		List<NDArray> hiddenStates = inputs.outputHiddenStates() ? new ArrayList<>() : null;
		NDArray hidden = text.forward(embeds, positionIds, inputs.attentionMask(), cache, hiddenStates);
		if (inputs.logitsToKeep() > 0 && inputs.logitsToKeep() < tokens) {
			hidden = hidden.get(new NDIndex(":, {}:, :", tokens - inputs.logitsToKeep()));
		}
		NDArray logits = text.logits(hidden); // (B, K, V)
		NDArray ropeDeltas = manager.create(deltas, new Shape(batch, 1));
		return new ModelOutput(logits, hiddenStates == null ? List.of() : hiddenStates, positionIds, ropeDeltas,
				imageEmbeds);
	}

	private @Nullable NDArray imageFeatures(ModelInputs inputs) {
		if (inputs.imageEmbeds() != null) {
			requireGrid(inputs);
			return inputs.imageEmbeds();
		}
		if (inputs.pixelValues() == null) {
			return null;
		}
		requireGrid(inputs);
		return vision.forward(inputs.pixelValues(), inputs.imageGridThw()); // (N, C)
	}

	private static void requireGrid(ModelInputs inputs) {
		if (inputs.imageGridThw() == null) {
			throw new IllegalArgumentException("images given without image_grid_thw");
		}
	}

	/** Writes image feature rows into the {@code <|image_pad|>} positions in order: (B, T, C) → (B, T, C). */
	private NDArray scatterImages(NDArray embeds, NDArray inputIds, long[][] ids, NDArray imageEmbeds) {
		long pads = 0;
		for (long[] row : ids) {
			for (long id : row) {
				pads += id == config.imageTokenId() ? 1 : 0;
			}
		}
		Shape shape = imageEmbeds.getShape();
		if (shape.dimension() != 2 || shape.get(0) != pads || shape.get(1) != config.text().hiddenSize()) {
			throw new IllegalArgumentException("image features and image tokens do not match: " + pads
					+ " <|image_pad|> tokens of width " + config.text().hiddenSize() + ", features " + shape);
		}
		// boolean-mask set = torch's masked_scatter, differentiable w.r.t. both the embeddings and the features
		embeds.set(new NDIndex("{}", inputIds.eq(config.imageTokenId())), imageEmbeds);
		return embeds;
	}

	private static long[][] rows(NDArray matrix) {
		Shape shape = matrix.getShape();
		if (shape.dimension() != 2) {
			throw new IllegalArgumentException("expected a (batch, tokens) array, got " + shape);
		}
		long[] flat = matrix.toType(DataType.INT64, false).toLongArray();
		int batch = (int) shape.get(0);
		int length = (int) shape.get(1);
		long[][] rows = new long[batch][length];
		for (int b = 0; b < batch; b++) {
			System.arraycopy(flat, b * length, rows[b], 0, length);
		}
		return rows;
	}

	@Override
	public void close() {
		parameters.manager().close();
	}

}

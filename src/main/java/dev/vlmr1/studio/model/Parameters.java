package dev.vlmr1.studio.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import dev.vlmr1.studio.model.lora.Projection;

/**
 * Every trainable tensor of a model, keyed by its released Hugging Face name ({@code visual.blocks.0.attn.qkv.weight},
 * {@code model.layers.3.mlp.up_proj.weight}). Components load their tensors through {@link #load}, so the model's
 * parameters, the optimizer state, gradients and saved checkpoints all share one naming: the checkpoint's.
 */
public final class Parameters {

	private final NDManager manager;

	private final TensorSource source;

	private final TorchDtype dtype;

	private final Map<String, NDArray> byName = new LinkedHashMap<>();

	private final Map<String, Projection> projections = new LinkedHashMap<>();

	public Parameters(NDManager manager, TensorSource source) {
		this(manager, source, TorchDtype.FLOAT32);
	}

	/** @param dtype the precision of the matrices (vectors, i.e. norms and biases, are always float32) */
	public Parameters(NDManager manager, TensorSource source, TorchDtype dtype) {
		this.manager = manager;
		this.source = source;
		this.dtype = dtype;
	}

	/**
	 * Loads {@code name} with the expected shape from the source and registers it: in the base's dtype when it is a
	 * matrix (or a higher-rank kernel), in float32 when it is a vector. A float16 matrix goes from the checkpoint's
	 * bytes to the array tensor by tensor, so the model never exists in float32 as a whole, not even while loading.
	 */
	public NDArray load(String name, long... shape) {
		if (byName.containsKey(name)) {
			throw new IllegalStateException("parameter loaded twice: " + name);
		}
		NDArray array = dtype == TorchDtype.FLOAT16 && shape.length >= 2
				? manager.create(source.halfs(name, shape), new Shape(shape), DataType.FLOAT16)
				: manager.create(source.floats(name, shape), new Shape(shape));
		array.setName(name);
		byName.put(name, array);
		return array;
	}

	/**
	 * Loads a linear layer: {@code module.weight} [out, in] and, with {@code bias}, {@code module.bias} [out]. The
	 * layer is registered by module name, so LoRA adapters can be attached to it later.
	 */
	public Projection linear(String module, long in, long out, boolean bias) {
		NDArray weight = load(module + ".weight", out, in);
		Projection projection = new Projection(module, weight, bias ? load(module + ".bias", out) : null);
		projections.put(module, projection);
		return projection;
	}

	/** Every linear layer loaded through {@link #linear}, by released module name, in load order. */
	public Map<String, Projection> projections() {
		return Collections.unmodifiableMap(projections);
	}

	/** Registers a tensor under a second name without copying (tied embeddings: {@code lm_head} = embeddings). */
	public void alias(String name, NDArray existing) {
		byName.putIfAbsent(name, existing);
	}

	public NDArray get(String name) {
		NDArray array = byName.get(name);
		if (array == null) {
			throw new IllegalArgumentException("no parameter " + name);
		}
		return array;
	}

	/** All parameters in load order, unmodifiable. */
	public Map<String, NDArray> all() {
		return Collections.unmodifiableMap(byName);
	}

	/** The precision the matrices were loaded in. */
	public TorchDtype dtype() {
		return dtype;
	}

	public NDManager manager() {
		return manager;
	}

}

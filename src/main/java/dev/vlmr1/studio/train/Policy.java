package dev.vlmr1.studio.train;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.jspecify.annotations.Nullable;

import dev.vlmr1.studio.model.ModelInputs;
import dev.vlmr1.studio.model.ModelOutput;
import dev.vlmr1.studio.model.QwenVlConfig;
import dev.vlmr1.studio.model.QwenVlModel;
import dev.vlmr1.studio.model.lora.LoraAdapters;
import dev.vlmr1.studio.model.lora.LoraConfig;
import dev.vlmr1.studio.model.text.LayerCheckpoints;

/**
 * A model as the trainers use it: one forward from pixels to logits, and the parameters by released name
 * ({@code visual.*}, {@code model.*}) split into trainable and frozen ({@code freeze_vision}). Released names are
 * the naming of gradients, optimizer state and saved checkpoints alike.
 *
 * <p>With LoRA adapters attached only the adapters train ({@code <module>.lora_A.weight}, {@code .lora_B.weight}):
 * the base is frozen, and {@link #withoutAdapters()} is the base itself, GRPO's KL reference without a second copy
 * of the weights.
 */
public final class Policy implements AutoCloseable {

	private final QwenVlModel model;

	private final boolean adaptersOff;

	private final boolean ownsModel;

	public Policy(QwenVlModel model) {
		this(model, false, true);
	}

	private Policy(QwenVlModel model, boolean adaptersOff, boolean ownsModel) {
		this.model = model;
		this.adaptersOff = adaptersOff;
		this.ownsModel = ownsModel;
	}

	/**
	 * Loads a checkpoint directory (config.json + safetensors), or a PEFT adapter directory on top of the base it
	 * names, on the default device.
	 */
	public static Policy load(Path dir) {
		return new Policy(QwenVlModel.load(dir));
	}

	/** Loads {@code base} with the PEFT adapter in {@code adapterDir} attached (a LoRA run resuming). */
	public static Policy load(Path base, Path adapterDir) {
		return new Policy(QwenVlModel.loadWithAdapter(base, adapterDir, Engine.getInstance().defaultDevice()));
	}

	/** A full forward pass; temporaries live on the inputs' manager. */
	public ModelOutput forward(ModelInputs inputs) {
		LoraAdapters lora = model.lora();
		if (!adaptersOff || lora == null) {
			return model.forward(inputs);
		}
		try (var off = lora.disabled()) {
			return model.forward(inputs);
		}
	}

	/**
	 * Gradient checkpointing of the decoder layers when {@code on} (TRL's {@code gradient_checkpointing}), else a
	 * switch that changes nothing; either way the trainer calls {@link LayerCheckpoints#backward()} right after the
	 * loss's backward and closes the switch after the micro-batch.
	 */
	public LayerCheckpoints checkpointing(boolean on) {
		return on ? model.checkpointing() : LayerCheckpoints.off();
	}

	/** Every base parameter by released name; the tied output head appears once, as the embedding. */
	public Map<String, NDArray> parameters() {
		return model.parameters().all();
	}

	/** The LoRA adapters being trained, or null for full fine-tuning. */
	public @Nullable LoraAdapters lora() {
		return model.lora();
	}

	/**
	 * Attaches fresh adapters (PEFT's initialisation, seeded): from now on only they train.
	 * @throws IllegalStateException if the model already has adapters
	 */
	public LoraAdapters attachLora(LoraConfig config, long seed) {
		return model.attachLora(config, LoraAdapters.peftInit(seed));
	}

	/**
	 * Readies the policy for a run's setting: fresh adapters (seeded) when the run trains LoRA and the policy has
	 * none yet; adapters already attached (loaded from a checkpoint) must have the run's rank and α.
	 * @throws IllegalArgumentException when the policy's adapters and the run's setting disagree
	 */
	void prepareLora(@Nullable LoraConfig config, long seed) {
		LoraAdapters lora = model.lora();
		if (config == null) {
			if (lora != null) {
				throw new IllegalArgumentException("the policy carries LoRA adapters but the run trains the whole model");
			}
			return;
		}
		if (lora == null) {
			attachLora(config, seed);
		}
		else if (lora.config().r() != config.r() || lora.config().scaling() != config.scaling()) {
			throw new IllegalArgumentException("the policy's adapters (r " + lora.config().r() + ", α "
					+ lora.config().alpha() + ") differ from the run's (r " + config.r() + ", α " + config.alpha() + ")");
		}
	}

	/**
	 * The parameters the optimizer updates: the adapters under LoRA, else every base parameter; without the vision
	 * tower's ({@code visual.*}) when {@code freezeVision}.
	 */
	public Map<String, NDArray> trainable(boolean freezeVision) {
		LoraAdapters lora = model.lora();
		Map<String, NDArray> candidates = lora != null ? lora.parameters() : parameters();
		if (!freezeVision) {
			return candidates;
		}
		Map<String, NDArray> text = new LinkedHashMap<>();
		candidates.forEach((name, p) -> {
			if (!name.startsWith("visual.")) {
				text.put(name, p);
			}
		});
		return Collections.unmodifiableMap(text);
	}

	/** Every parameter that could take a gradient: the base's and the adapters'. */
	Map<String, NDArray> allParameters() {
		LoraAdapters lora = model.lora();
		if (lora == null) {
			return parameters();
		}
		Map<String, NDArray> all = new LinkedHashMap<>(parameters());
		all.putAll(lora.parameters());
		return all;
	}

	/**
	 * The same model with its adapters switched off for every forward through this view (the base model): the KL
	 * reference of a LoRA run. Closing the view does not close the model.
	 * @throws IllegalStateException without adapters
	 */
	public Policy withoutAdapters() {
		if (model.lora() == null) {
			throw new IllegalStateException("the policy has no LoRA adapters to switch off");
		}
		return new Policy(model, true, false);
	}

	/**
	 * Adapter dropout on for the forwards until the switch closes, its masks seeded by {@code seed}; a no-op without
	 * adapters or dropout.
	 */
	public LoraAdapters.Switch training(long seed) {
		LoraAdapters lora = model.lora();
		return lora == null ? () -> {
		} : lora.training(seed);
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
		if (ownsModel) {
			model.close();
		}
	}

}

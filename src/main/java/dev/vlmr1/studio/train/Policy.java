package dev.vlmr1.studio.train;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.jspecify.annotations.Nullable;

import dev.vlmr1.studio.model.DeviceCheck;
import dev.vlmr1.studio.model.ModelInputs;
import dev.vlmr1.studio.model.ModelOutput;
import dev.vlmr1.studio.model.QwenVlConfig;
import dev.vlmr1.studio.model.QwenVlModel;
import dev.vlmr1.studio.model.RunDevice;
import dev.vlmr1.studio.model.TorchDtype;
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
	 * names, on {@link RunDevice#configured()}.
	 */
	public static Policy load(Path dir) {
		return load(dir, RunDevice.configured());
	}

	/** As {@link #load(Path)}, onto the run's device: weights, adapters and everything made from the policy go there. */
	public static Policy load(Path dir, Device device) {
		return new Policy(QwenVlModel.load(dir, device));
	}

	/**
	 * As {@link #load(Path)}, with the base's matrices in {@code dtype}: float16 is a frozen base for LoRA, whose
	 * adapters stay float32.
	 */
	public static Policy load(Path dir, TorchDtype dtype) {
		return load(dir, RunDevice.configured(), dtype);
	}

	/** As {@link #load(Path, TorchDtype)}, onto the run's device. */
	public static Policy load(Path dir, Device device, TorchDtype dtype) {
		return new Policy(QwenVlModel.load(dir, device, dtype));
	}

	/** Loads {@code base} with the PEFT adapter in {@code adapterDir} attached (a LoRA run resuming). */
	public static Policy load(Path base, Path adapterDir) {
		return load(base, adapterDir, RunDevice.configured());
	}

	/** As {@link #load(Path, Path)}, onto {@code device}. */
	public static Policy load(Path base, Path adapterDir, Device device) {
		return new Policy(QwenVlModel.loadWithAdapter(base, adapterDir, device));
	}

	/**
	 * Checks that the policy was loaded for a run's {@code torch_dtype} and, for a half-precision base, that only
	 * adapters train, so a setting the run accepted is what the trainer does.
	 * @throws IllegalArgumentException when the policy's base precision differs from the run's, or a float16 base
	 * would be trained without adapters
	 */
	void requireDtype(TorchDtype dtype) {
		if (model.torchDtype() != dtype) {
			throw new IllegalArgumentException("the run asks for torch_dtype " + dtype.id() + " but the policy's base was "
					+ "loaded in " + model.torchDtype().id());
		}
		if (dtype != TorchDtype.FLOAT32 && model.lora() == null) {
			throw new IllegalArgumentException("a " + dtype.id() + " base is frozen: it needs LoRA adapters to train");
		}
	}

	/** A full forward pass; temporaries live on the inputs' manager. */
	public ModelOutput forward(ModelInputs inputs) {
		LoraAdapters lora = model.lora();
		ModelOutput output;
		if (!adaptersOff || lora == null) {
			output = model.forward(inputs);
		}
		else {
			try (var off = lora.disabled()) {
				output = model.forward(inputs);
			}
		}
		if (DeviceCheck.enabled()) {
			checkForward(inputs, output, device());
		}
		return output;
	}

	/** The device the policy's weights were loaded onto: the run's device. */
	public Device device() {
		return model.manager().getDevice();
	}

	/**
	 * The device check of one forward against {@code expected}: the inputs, every parameter, the logits and every
	 * activation left on the inputs' manager.
	 * @throws DeviceCheck.MisplacedTensorException naming the first tensor elsewhere
	 */
	public DeviceCheck checkForward(ModelInputs inputs, ModelOutput output, Device expected) {
		DeviceCheck check = DeviceCheck.expecting(expected).array("input_ids", inputs.inputIds());
		if (inputs.attentionMask() != null) {
			check.array("attention_mask", inputs.attentionMask());
		}
		if (inputs.pixelValues() != null) {
			check.array("pixel_values", inputs.pixelValues());
		}
		return check.parameters(allParameters()).array("logits", output.logits())
			.activations("forward", inputs.inputIds().getManager());
	}

	/** With the device check on ({@link DeviceCheck#enabled()}), {@link #checkDevices(NDManager, Device)} on the policy's device. */
	public void checkDevices(NDManager scope) {
		if (DeviceCheck.enabled()) {
			checkDevices(scope, device());
		}
	}

	/**
	 * The device check after a backward (or an optimizer step) against {@code expected}: every parameter and its
	 * gradient by name, then every array on {@code scope} (activations, losses, optimizer states when the scope is
	 * the policy's manager).
	 * @throws DeviceCheck.MisplacedTensorException naming the first tensor elsewhere
	 */
	public DeviceCheck checkDevices(NDManager scope, Device expected) {
		Map<String, NDArray> all = allParameters();
		return DeviceCheck.expecting(expected).parameters(all).gradients(all).activations("step", scope);
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

package dev.vlmr1.studio.model.lora;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import ai.djl.ndarray.NDArray;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.vlmr1.studio.model.CheckpointException;
import dev.vlmr1.studio.model.CheckpointFiles;
import dev.vlmr1.studio.model.TensorSource;
import dev.vlmr1.studio.model.safetensors.DType;
import dev.vlmr1.studio.model.safetensors.SafetensorsReader;
import dev.vlmr1.studio.model.safetensors.SafetensorsWriter;
import dev.vlmr1.studio.model.safetensors.TensorInfo;
import dev.vlmr1.studio.model.safetensors.WritableTensor;

/**
 * LoRA adapters in PEFT's format, which {@code PeftModel.from_pretrained(base, dir)} loads unchanged:
 * {@code adapter_config.json} (peft_type LORA, r, lora_alpha, lora_dropout, target_modules, …) and
 * {@code adapter_model.safetensors} with PEFT's tensor names, {@code base_model.model.<module>.lora_A.weight}, where
 * {@code <module>} is transformers' module path ({@code model.language_model.layers.0.self_attn.q_proj},
 * {@code model.visual.blocks.0.attn.qkv} with transformers ≥ 4.52; {@code model.layers.0…} and {@code visual.…}
 * before). Both layouts are read; the newer one is written.
 */
public final class PeftAdapterFiles {

	public static final String CONFIG = "adapter_config.json";

	public static final String WEIGHTS = "adapter_model.safetensors";

	/** What PEFT puts before the wrapped model's module names. */
	static final String PREFIX = "base_model.model.";

	private static final ObjectMapper JSON = new ObjectMapper();

	/**
	 * An adapter as read from disk.
	 *
	 * @param config rank, α, dropout and the layers it covers (a best description; {@link #modules} is exact)
	 * @param modules the released names of the layers it covers
	 * @param tensors A and B of each layer by released name ({@code <module>.lora_A.weight})
	 * @param baseModelNameOrPath PEFT's {@code base_model_name_or_path}, or null when absent
	 */
	public record Adapter(LoraConfig config, Set<String> modules, Map<String, float[]> tensors,
			@org.jspecify.annotations.Nullable String baseModelNameOrPath) {

		/** The tensors as a source for {@link LoraAdapters#attach}, checking each shape. */
		public TensorSource source() {
			return (name, shape) -> {
				float[] values = tensors.get(name);
				long count = Arrays.stream(shape).reduce(1, (x, y) -> x * y);
				if (values == null || values.length != count) {
					throw new CheckpointException("adapter tensor " + name + " is missing or not of shape "
							+ Arrays.toString(shape));
				}
				return values;
			};
		}

	}

	private PeftAdapterFiles() {
	}

	/** Whether {@code dir} holds a PEFT adapter ({@value #CONFIG}). */
	public static boolean isAdapter(Path dir) {
		return Files.isRegularFile(dir.resolve(CONFIG));
	}

	/**
	 * Writes {@value #CONFIG} and {@value #WEIGHTS} (float32) into {@code dir}, creating it.
	 * @param baseModelNameOrPath what {@code base_model_name_or_path} records (the base checkpoint's path or hub id)
	 */
	public static void write(Path dir, LoraAdapters adapters, String baseModelNameOrPath) {
		LoraConfig config = adapters.config();
		ObjectNode json = JSON.createObjectNode();
		json.putObject("alpha_pattern");
		json.putNull("auto_mapping");
		json.put("base_model_name_or_path", baseModelNameOrPath);
		json.put("bias", "none");
		json.put("fan_in_fan_out", false);
		json.put("inference_mode", true);
		json.put("init_lora_weights", true);
		json.putNull("layers_pattern");
		json.putNull("layers_to_transform");
		if (config.alpha() == Math.rint(config.alpha())) {
			json.put("lora_alpha", (long) config.alpha());
		}
		else {
			json.put("lora_alpha", config.alpha());
		}
		json.put("lora_dropout", config.dropout());
		json.putNull("modules_to_save");
		json.put("peft_type", "LORA");
		json.put("r", config.r());
		json.putObject("rank_pattern");
		json.putNull("revision");
		if (adapters.targetsArePreset()) {
			json.put("target_modules", config.targets().peftPattern());
		}
		else {
			// PEFT matches a list entry equal to a module's full name: exactly the adapted layers
			var modules = json.putArray("target_modules");
			adapters.targets().forEach((p) -> modules.add(hfModuleName(p.module())));
		}
		json.put("task_type", "CAUSAL_LM");
		json.put("use_dora", false);
		json.put("use_rslora", config.rsLora());
		List<WritableTensor> tensors = new ArrayList<>();
		adapters.parameters().forEach((name, array) -> tensors.add(f32(peftName(name), array)));
		try {
			Files.createDirectories(dir);
			Files.writeString(dir.resolve(CONFIG), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(json) + "\n");
		}
		catch (IOException ex) {
			throw new CheckpointException(dir + ": cannot write " + CONFIG + ": " + ex.getMessage(), ex);
		}
		SafetensorsWriter.write(dir.resolve(WEIGHTS), tensors, Map.of("format", "pt"));
	}

	/**
	 * Reads an adapter directory. Refuses, naming the setting, what this implementation does not compute the way
	 * PEFT would: DoRA, per-layer rank or α patterns, trained biases, extra saved modules, {@code fan_in_fan_out}.
	 * @throws CheckpointException for a missing or malformed file or an unsupported setting
	 */
	public static Adapter read(Path dir) {
		JsonNode json = readConfig(dir);
		refuseUnsupported(dir, json);
		int r = json.path("r").asInt(0);
		double alpha = json.path("lora_alpha").asDouble(Double.NaN);
		double dropout = json.path("lora_dropout").asDouble(0);
		boolean rsLora = json.path("use_rslora").asBoolean(false);
		Map<String, float[]> tensors = new LinkedHashMap<>();
		Set<String> modules = new LinkedHashSet<>();
		Path weights = dir.resolve(WEIGHTS);
		if (!Files.isRegularFile(weights)) {
			throw new CheckpointException(dir + ": no " + WEIGHTS);
		}
		try (SafetensorsReader reader = SafetensorsReader.open(weights)) {
			for (TensorInfo info : reader.tensors()) {
				String name = releasedName(info.name());
				String module = moduleOf(name);
				long[] shape = info.shape();
				boolean isA = name.endsWith(LoraAdapters.A);
				if (shape.length != 2 || (isA ? shape[0] : shape[1]) != r) {
					throw new CheckpointException(dir + ": " + info.name() + " has shape " + Arrays.toString(shape)
							+ ", not rank r = " + r + " from " + CONFIG);
				}
				tensors.put(name, reader.floats(info.name()));
				modules.add(module);
			}
		}
		for (String module : modules) {
			if (!tensors.containsKey(module + LoraAdapters.A) || !tensors.containsKey(module + LoraAdapters.B)) {
				throw new CheckpointException(dir + ": layer " + module + " has only one of lora_A and lora_B");
			}
		}
		if (modules.isEmpty()) {
			throw new CheckpointException(dir + ": " + WEIGHTS + " holds no LoRA tensor");
		}
		LoraConfig config;
		try {
			config = new LoraConfig(r, alpha, dropout, describe(modules), rsLora);
		}
		catch (IllegalArgumentException ex) {
			throw new CheckpointException(dir + ": " + CONFIG + ": " + ex.getMessage(), ex);
		}
		String base = json.path("base_model_name_or_path").isTextual() ? json.get("base_model_name_or_path").asText()
				: null;
		return new Adapter(config, modules, tensors, base);
	}

	/** The base model directory an adapter names: {@code base_model_name_or_path} as a path, relative to the adapter. */
	public static Path basePath(Path adapterDir) {
		JsonNode base = readConfig(adapterDir).path("base_model_name_or_path");
		if (!base.isTextual() || base.asText().isBlank()) {
			throw new CheckpointException(adapterDir + ": " + CONFIG + " names no base_model_name_or_path");
		}
		Path path = adapterDir.resolve(base.asText());
		if (!Files.isDirectory(path)) {
			throw new CheckpointException(adapterDir + ": base model " + base.asText() + " is not a directory here");
		}
		return path;
	}

	/** transformers' module path in its newer layout for a released module or tensor name. */
	static String hfModuleName(String released) {
		if (released.startsWith("visual.")) {
			return "model." + released;
		}
		if (released.startsWith("model.")) {
			return "model.language_model." + released.substring("model.".length());
		}
		throw new IllegalArgumentException("not a Qwen-VL adapter name: " + released);
	}

	/** PEFT's name for an adapter tensor in released naming: the newer transformers module layout. */
	public static String peftName(String released) {
		return PREFIX + hfModuleName(released);
	}

	/** The released name of a PEFT tensor name in either transformers layout. */
	static String releasedName(String peft) {
		if (!peft.startsWith(PREFIX) || !(peft.endsWith(LoraAdapters.A) || peft.endsWith(LoraAdapters.B))) {
			throw new CheckpointException("not a PEFT LoRA tensor name: " + peft
					+ " (expected base_model.model.<module>.lora_A.weight or .lora_B.weight)");
		}
		try {
			return CheckpointFiles.releasedName(peft.substring(PREFIX.length()));
		}
		catch (IllegalArgumentException ex) {
			throw new CheckpointException("not a Qwen-VL module: " + peft, ex);
		}
	}

	private static String moduleOf(String released) {
		return released.substring(0, released.length() - LoraAdapters.A.length());
	}

	/** A {@link LoraTargets} covering these layers (as near as the presets' vocabulary allows). */
	private static LoraTargets describe(Set<String> modules) {
		Set<String> decoder = new TreeSet<>();
		boolean vision = false;
		for (String module : modules) {
			String leaf = module.substring(module.lastIndexOf('.') + 1);
			if (module.startsWith("model.layers.") && LoraTargets.DECODER_MODULES.contains(leaf)) {
				decoder.add(leaf);
			}
			else if (module.startsWith("visual.")) {
				vision = true;
			}
			else {
				throw new CheckpointException("LoRA on " + module + " is not supported (decoder projections and "
						+ "vision block linears only)");
			}
		}
		return new LoraTargets(decoder, vision);
	}

	private static void refuseUnsupported(Path dir, JsonNode json) {
		String type = json.path("peft_type").asText("");
		if (!"LORA".equals(type)) {
			throw new CheckpointException(dir + ": peft_type is " + (type.isEmpty() ? "missing" : type) + ", only LORA is supported");
		}
		List<String> problems = new ArrayList<>();
		if (json.path("use_dora").asBoolean(false)) {
			problems.add("use_dora");
		}
		if (!"none".equals(json.path("bias").asText("none"))) {
			problems.add("bias = " + json.path("bias").asText());
		}
		if (json.path("fan_in_fan_out").asBoolean(false)) {
			problems.add("fan_in_fan_out");
		}
		for (String pattern : List.of("rank_pattern", "alpha_pattern")) {
			if (json.path(pattern).size() > 0) {
				problems.add(pattern);
			}
		}
		if (json.path("modules_to_save").size() > 0) {
			problems.add("modules_to_save");
		}
		if (!problems.isEmpty()) {
			throw new CheckpointException(dir + ": " + CONFIG + " uses what this trainer does not support: " + problems);
		}
	}

	private static JsonNode readConfig(Path dir) {
		Path file = dir.resolve(CONFIG);
		if (!Files.isRegularFile(file)) {
			throw new CheckpointException(dir + ": no " + CONFIG);
		}
		try {
			return JSON.readTree(file.toFile());
		}
		catch (IOException ex) {
			throw new CheckpointException(file + ": not valid JSON: " + ex.getMessage(), ex);
		}
	}

	private static WritableTensor f32(String name, NDArray array) {
		return WritableTensor.floats(name, DType.F32, array.getShape().getShape(), array::toFloatArray);
	}

}

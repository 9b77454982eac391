package dev.vlmr1.studio.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.vlmr1.studio.model.safetensors.DType;
import dev.vlmr1.studio.model.safetensors.SafetensorsWriter;
import dev.vlmr1.studio.model.safetensors.WritableTensor;
import dev.vlmr1.studio.model.tokenizer.SpecialTokens;

/**
 * Writes a Hugging Face checkpoint directory that transformers' {@code from_pretrained} loads: the weights in the
 * released naming ({@code visual.*}, {@code model.*}, no {@code lm_head.weight} when the embeddings are tied, exactly
 * the names {@code save_pretrained} writes, see the fixtures' {@code saved_weight_names.json}), sharded with an index
 * over {@code maxShardBytes}, plus the base checkpoint's config, generation config, tokenizer and preprocessor files.
 * The files are completed so that transformers 4.x and 5.x both load them and {@code apply_chat_template} works
 * ({@link #completeForTransformers}).
 */
public final class CheckpointFiles {

	/** transformers' default {@code max_shard_size="5GB"} (decimal gigabytes). */
	public static final long DEFAULT_MAX_SHARD_BYTES = 5_000_000_000L;

	/** Files besides the weights that make a directory loadable; copied verbatim when the base has them. */
	public static final List<String> SUPPORT_FILES = List.of("config.json", "generation_config.json",
			"preprocessor_config.json", "processor_config.json", "video_preprocessor_config.json", "tokenizer.json",
			"tokenizer_config.json",
			"vocab.json", "merges.txt", "special_tokens_map.json", "added_tokens.json", "chat_template.json",
			"chat_template.jinja");

	/** Qwen2.5-VL's chat template (that of Qwen/Qwen2.5-VL-3B-Instruct), which {@link ChatTemplate} mirrors. */
	public static final String QWEN_CHAT_TEMPLATE = readTemplate();

	private static final ObjectMapper JSON = new ObjectMapper();

	private CheckpointFiles() {
	}

	/**
	 * The name {@code save_pretrained} gives a parameter in the released layout: {@code model.visual.x} →
	 * {@code visual.x}, {@code model.language_model.x} → {@code model.x}; released names stay as they are.
	 * @throws IllegalArgumentException for a name that is not a Qwen-VL parameter (e.g. an unmerged LoRA adapter)
	 */
	public static String releasedName(String name) {
		if (name.startsWith("model.visual.")) {
			return name.substring("model.".length());
		}
		if (name.startsWith("model.language_model.")) {
			return "model." + name.substring("model.language_model.".length());
		}
		if (name.startsWith("visual.") || name.startsWith("model.") || name.startsWith("lm_head.")) {
			return name;
		}
		throw new IllegalArgumentException("not a Qwen-VL checkpoint parameter: " + name);
	}

	/** The sorted names a save writes for these parameters: released naming, {@code lm_head.weight} dropped if tied. */
	public static List<String> savedNames(Collection<String> parameterNames, boolean tiedEmbeddings) {
		return new ArrayList<>(byReleasedName(parameterNames, tiedEmbeddings).keySet());
	}

	private static Map<String, String> byReleasedName(Collection<String> names, boolean tiedEmbeddings) {
		Map<String, String> byReleased = new TreeMap<>();
		for (String name : names) {
			String released = releasedName(name);
			if (tiedEmbeddings && "lm_head.weight".equals(released)) {
				continue; // transformers re-ties it from model.embed_tokens.weight on load
			}
			String previous = byReleased.put(released, name);
			if (previous != null) {
				throw new IllegalArgumentException(previous + " and " + name + " both save as " + released);
			}
		}
		return byReleased;
	}

	/** {@code tie_word_embeddings} of a {@code config.json} (root first, then {@code text_config}); false if absent. */
	public static boolean tiedEmbeddings(Path configJson) {
		JsonNode root = readJson(configJson);
		JsonNode tie = root.path("tie_word_embeddings");
		if (tie.isMissingNode()) {
			tie = root.path("text_config").path("tie_word_embeddings");
		}
		return tie.asBoolean(false);
	}

	/**
	 * Writes the parameters as safetensors in {@code target} (see the type's Javadoc for names and sharding). Each
	 * tensor is copied to the host only when the writer reaches it.
	 * @param parameters by released or newer transformers names, e.g. {@code Parameters.all()}
	 * @param storage F32, or BF16/F16 to halve the size (released Qwen checkpoints are BF16)
	 * @return the files written, the index last when sharded
	 */
	public static List<Path> saveWeights(Path target, Map<String, NDArray> parameters, boolean tiedEmbeddings,
			DType storage, long maxShardBytes) {
		List<WritableTensor> tensors = new ArrayList<>();
		byReleasedName(parameters.keySet(), tiedEmbeddings).forEach((released, name) -> {
			NDArray array = parameters.get(name);
			tensors.add(WritableTensor.floats(released, storage, array.getShape().getShape(), () -> hostFloats(array)));
		});
		return SafetensorsWriter.writeCheckpoint(target, tensors, maxShardBytes);
	}

	private static float[] hostFloats(NDArray array) {
		if (array.getDataType() == DataType.FLOAT32) {
			return array.toFloatArray();
		}
		try (NDArray widened = array.toType(DataType.FLOAT32, true)) {
			return widened.toFloatArray();
		}
	}

	/**
	 * Copies the base checkpoint's {@link #SUPPORT_FILES} into {@code target} (config.json as given); the others are
	 * optional. Without a {@code generation_config.json} in the base, writes one from the tokenizer's special tokens.
	 * @throws CheckpointException if the base has no config.json or a copy fails
	 */
	public static void copySupportFiles(Path base, Path target, SpecialTokens special) {
		if (!Files.isRegularFile(base.resolve("config.json"))) {
			throw new CheckpointException(base + ": no config.json to copy");
		}
		try {
			Files.createDirectories(target);
			for (String name : SUPPORT_FILES) {
				Path file = base.resolve(name);
				if (Files.isRegularFile(file)) {
					Files.copy(file, target.resolve(name), StandardCopyOption.REPLACE_EXISTING);
				}
			}
			Path generation = target.resolve("generation_config.json");
			if (!Files.exists(generation)) {
				// what transformers derives from a Qwen config: pad/bos <|endoftext|>, eos <|im_end|>
				ObjectNode config = JSON.createObjectNode();
				config.put("bos_token_id", special.pad());
				config.put("eos_token_id", special.imEnd());
				config.put("pad_token_id", special.pad());
				Files.writeString(generation, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(config) + "\n");
			}
			completeForTransformers(target);
		}
		catch (IOException ex) {
			throw new CheckpointException(target + ": cannot write checkpoint files: " + ex.getMessage(), ex);
		}
	}

	/**
	 * A complete checkpoint: support files from {@code base}, then the weights (tied or not as {@code base}'s
	 * config says).
	 */
	public static List<Path> save(Path base, Path target, Map<String, NDArray> parameters, SpecialTokens special,
			DType storage, long maxShardBytes) {
		copySupportFiles(base, target, special);
		return saveWeights(target, parameters, tiedEmbeddings(base.resolve("config.json")), storage, maxShardBytes);
	}

	/**
	 * Makes a checkpoint directory readable by transformers 4.x and 5.x: {@code config.json} gets the keys of both
	 * generations ({@link ConfigForms}), and a checkpoint without a chat template gets Qwen2.5-VL's, both where
	 * processors look ({@code chat_template.json}, read by 4.49 onwards and by 5.x) and where tokenizers do
	 * ({@code tokenizer_config.json}). Files already complete are left untouched.
	 * @throws CheckpointException if config.json is missing or invalid, or a file cannot be written
	 */
	public static void completeForTransformers(Path dir) {
		Path configFile = dir.resolve("config.json");
		JsonNode config = readJson(configFile);
		ObjectNode complete = ConfigForms.bothForms(config);
		if (!complete.equals(config)) {
			writeJson(configFile, complete);
		}
		String template = existingChatTemplate(dir);
		if (!Files.isRegularFile(dir.resolve("chat_template.json"))
				&& !Files.isRegularFile(dir.resolve("chat_template.jinja"))) {
			ObjectNode processor = JSON.createObjectNode();
			processor.put("chat_template", template);
			writeJson(dir.resolve("chat_template.json"), processor);
		}
		Path tokenizerConfig = dir.resolve("tokenizer_config.json");
		if (Files.isRegularFile(tokenizerConfig) && readJson(tokenizerConfig) instanceof ObjectNode tokenizer
				&& !tokenizer.path("chat_template").isTextual()) {
			tokenizer.put("chat_template", template);
			writeJson(tokenizerConfig, tokenizer);
		}
	}

	/** The template a checkpoint already has (tokenizer's, processor's JSON, then Jinja file), else Qwen's. */
	private static String existingChatTemplate(Path dir) {
		Path tokenizerConfig = dir.resolve("tokenizer_config.json");
		if (Files.isRegularFile(tokenizerConfig) && readJson(tokenizerConfig).path("chat_template").isTextual()) {
			return readJson(tokenizerConfig).get("chat_template").asText();
		}
		Path processor = dir.resolve("chat_template.json");
		if (Files.isRegularFile(processor) && readJson(processor).path("chat_template").isTextual()) {
			return readJson(processor).get("chat_template").asText();
		}
		Path jinja = dir.resolve("chat_template.jinja");
		try {
			return Files.isRegularFile(jinja) ? Files.readString(jinja) : QWEN_CHAT_TEMPLATE;
		}
		catch (IOException ex) {
			throw new CheckpointException(jinja + ": cannot read: " + ex.getMessage(), ex);
		}
	}

	private static void writeJson(Path file, JsonNode json) {
		try {
			Files.writeString(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(json) + "\n");
		}
		catch (IOException ex) {
			throw new CheckpointException(file + ": cannot write: " + ex.getMessage(), ex);
		}
	}

	private static String readTemplate() {
		try (var in = CheckpointFiles.class.getResourceAsStream("qwen2_5_vl_chat_template.jinja")) {
			if (in == null) {
				throw new IllegalStateException("qwen2_5_vl_chat_template.jinja is missing from the classpath");
			}
			return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
	}

	private static JsonNode readJson(Path file) {
		try {
			return JSON.readTree(file.toFile());
		}
		catch (IOException ex) {
			throw new CheckpointException(file + ": cannot read JSON: " + ex.getMessage(), ex);
		}
	}

}

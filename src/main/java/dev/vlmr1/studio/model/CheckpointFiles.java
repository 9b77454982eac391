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
 */
public final class CheckpointFiles {

	/** transformers' default {@code max_shard_size="5GB"} (decimal gigabytes). */
	public static final long DEFAULT_MAX_SHARD_BYTES = 5_000_000_000L;

	/** Files besides the weights that make a directory loadable; copied verbatim when the base has them. */
	public static final List<String> SUPPORT_FILES = List.of("config.json", "generation_config.json",
			"preprocessor_config.json", "video_preprocessor_config.json", "tokenizer.json", "tokenizer_config.json",
			"vocab.json", "merges.txt", "special_tokens_map.json", "added_tokens.json", "chat_template.json",
			"chat_template.jinja");

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

	private static JsonNode readJson(Path file) {
		try {
			return JSON.readTree(file.toFile());
		}
		catch (IOException ex) {
			throw new CheckpointException(file + ": cannot read JSON: " + ex.getMessage(), ex);
		}
	}

}

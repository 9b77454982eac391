package dev.vlmr1.studio.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A Qwen2-VL / Qwen2.5-VL {@code config.json} in any of its three layouts (flat, flat + {@code text_config},
 * nested v5). Mirrors {@code Qwen2_5_VLConfig}.
 *
 * @param eosTokenIds one or several end-of-sequence ids
 * @param json the parsed file, kept so a saved checkpoint writes it back unchanged
 */
public record QwenVlConfig(ModelType modelType, TextConfig text, VisionConfig vision, long imageTokenId,
		long videoTokenId, long visionStartTokenId, long visionEndTokenId, List<Long> eosTokenIds, long padTokenId,
		JsonNode json) {

	private static final ObjectMapper JSON = new ObjectMapper();

	/** Reads {@code config.json} from a checkpoint directory, or the given file. */
	public static QwenVlConfig load(Path dirOrFile) {
		Path file = Files.isDirectory(dirOrFile) ? dirOrFile.resolve("config.json") : dirOrFile;
		if (!Files.isRegularFile(file)) {
			throw new CheckpointException(file + ": no config.json");
		}
		try {
			return fromJson(JSON.readTree(file.toFile()));
		}
		catch (IOException ex) {
			throw new CheckpointException(file + ": not valid JSON: " + ex.getMessage(), ex);
		}
	}

	public static QwenVlConfig fromJson(JsonNode root) {
		if (root == null || !root.isObject()) {
			throw new CheckpointException("config.json is not a JSON object");
		}
		ModelType type = ModelType.fromConfigName(root.path("model_type").asText(""));
		if (!root.path("vision_config").isObject()) {
			throw new CheckpointException("config.json: no vision_config");
		}
		JsonNode text = root.has("text_config") ? root.get("text_config") : root;
		List<Long> eos = new ArrayList<>();
		JsonNode eosNode = root.has("eos_token_id") ? root.get("eos_token_id") : text.path("eos_token_id");
		if (eosNode.isArray()) {
			eosNode.forEach((n) -> eos.add(n.asLong()));
		}
		else if (eosNode.canConvertToLong()) {
			eos.add(eosNode.asLong());
		}
		long pad = root.path("pad_token_id").asLong(text.path("pad_token_id").asLong(eos.isEmpty() ? 0 : eos.get(0)));
		return new QwenVlConfig(type, TextConfig.fromJson(root), VisionConfig.fromJson(type, root.get("vision_config")),
				root.path("image_token_id").asLong(151655), root.path("video_token_id").asLong(151656),
				root.path("vision_start_token_id").asLong(151652), root.path("vision_end_token_id").asLong(151653),
				List.copyOf(eos), pad, root);
	}

}

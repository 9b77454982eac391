package dev.vlmr1.studio.catalog;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.vlmr1.studio.web.ApiProblem;

/**
 * Checks that a directory is a Hugging Face Qwen2-VL / Qwen2.5-VL checkpoint we may register: under an allowed root
 * (after resolving symlinks, so a link cannot point outside), a {@code config.json} whose root {@code model_type}
 * is {@code qwen2_vl} or {@code qwen2_5_vl} (the {@code text_config.model_type} is {@code *_text} in transformers 5
 * configs and is not what names the architecture), and safetensors weights: {@code model.safetensors} or an index
 * whose every shard is present. Each failure is a 400 problem naming the offending field.
 *
 * <p>A PEFT LoRA adapter directory ({@code adapter_config.json} + {@code adapter_model.safetensors}, as LoRA runs
 * checkpoint) is a model too: its {@code base_model_name_or_path} (absolute, or relative to the adapter) must be a
 * full checkpoint that passes the same checks, and the model loads as that base with the adapter on top.
 */
final class CheckpointValidator {

	static final Set<String> MODEL_TYPES = Set.of("qwen2_vl", "qwen2_5_vl");

	static final String ADAPTER_CONFIG = "adapter_config.json";

	static final String ADAPTER_WEIGHTS = "adapter_model.safetensors";

	private static final long MAX_JSON_BYTES = 16L * 1024 * 1024;

	private static final JsonMapper JSON = JsonMapper.shared();

	/** A directory that passed every check. */
	record ValidCheckpoint(Path directory, String modelType) {
	}

	private final List<Path> lexicalRoots = new ArrayList<>();

	private final List<Path> realRoots = new ArrayList<>();

	CheckpointValidator(List<Path> allowedRoots) {
		for (Path root : allowedRoots) {
			Path absolute = root.toAbsolutePath().normalize();
			lexicalRoots.add(absolute);
			try {
				realRoots.add(absolute.toRealPath());
			}
			catch (IOException ex) {
				// a root that does not exist yet cannot contain a checkpoint
			}
		}
	}

	List<Path> roots() {
		return List.copyOf(lexicalRoots);
	}

	ValidCheckpoint validate(String rawPath) {
		Path directory = resolveDirectory(rawPath);
		if (Files.exists(directory.resolve(ADAPTER_CONFIG))) {
			return validateAdapter(directory);
		}
		String modelType = readModelType(directory);
		checkWeights(directory);
		return new ValidCheckpoint(directory, modelType);
	}

	private ValidCheckpoint validateAdapter(Path directory) {
		JsonNode config = readJson(insideRoots(directory.resolve(ADAPTER_CONFIG), ADAPTER_CONFIG), ADAPTER_CONFIG);
		JsonNode peftType = config.get("peft_type");
		if (peftType == null || !"LORA".equals(peftType.isString() ? peftType.stringValue() : "")) {
			throw invalid("peft_type", ADAPTER_CONFIG + " must have peft_type LORA");
		}
		Path weights = directory.resolve(ADAPTER_WEIGHTS);
		if (!Files.exists(weights)) {
			throw invalid("weights", "no adapter weights: expected " + ADAPTER_WEIGHTS);
		}
		checkSafetensors(weights);
		JsonNode base = config.get("base_model_name_or_path");
		if (base == null || !base.isString() || base.stringValue().isBlank()) {
			throw invalid("base_model_name_or_path", ADAPTER_CONFIG + " names no base_model_name_or_path");
		}
		Path basePath;
		try {
			basePath = directory.resolve(base.stringValue()).normalize();
		}
		catch (InvalidPathException ex) {
			throw invalid("base_model_name_or_path", "base_model_name_or_path is not a valid file system path");
		}
		if (Files.exists(basePath.resolve(ADAPTER_CONFIG))) {
			throw invalid("base_model_name_or_path", "the base of an adapter must be a full checkpoint, not an adapter");
		}
		try {
			return new ValidCheckpoint(directory, validate(basePath.toString()).modelType());
		}
		catch (ApiProblem ex) {
			throw invalid("base_model_name_or_path", "base model " + base.stringValue() + ": " + ex.getMessage());
		}
	}

	private Path resolveDirectory(String rawPath) {
		if (rawPath.isBlank()) {
			throw invalid("path", "path is required");
		}
		Path requested;
		try {
			requested = Path.of(rawPath);
		}
		catch (InvalidPathException ex) {
			throw invalid("path", "path is not a valid file system path");
		}
		if (!requested.isAbsolute()) {
			throw invalid("path", "path must be absolute");
		}
		for (Path element : requested) {
			if (element.toString().equals("..")) {
				throw invalid("path", "path must not contain '..'");
			}
		}
		Path normalized = requested.normalize();
		if (!under(normalized, lexicalRoots)) {
			throw invalid("path", "path is outside the allowed model roots " + lexicalRoots);
		}
		if (!Files.exists(normalized)) {
			throw invalid("path", "path does not exist");
		}
		Path real = realPath(normalized, "path");
		if (!under(real, realRoots)) {
			throw invalid("path", "path leads (through a symbolic link) outside the allowed model roots");
		}
		if (!Files.isDirectory(real)) {
			throw invalid("path", "path is not a directory");
		}
		return real;
	}

	private String readModelType(Path directory) {
		Path config = directory.resolve("config.json");
		if (!Files.exists(config)) {
			throw invalid("config.json", "config.json is missing");
		}
		JsonNode root = readJson(insideRoots(config, "config.json"), "config.json");
		JsonNode modelType = root.get("model_type");
		if (modelType == null || !modelType.isString()) {
			throw invalid("model_type", "config.json has no model_type");
		}
		if (!MODEL_TYPES.contains(modelType.stringValue())) {
			throw invalid("model_type", "model_type '" + modelType.stringValue()
					+ "' is not supported (expected qwen2_vl or qwen2_5_vl)");
		}
		return modelType.stringValue();
	}

	private void checkWeights(Path directory) {
		Path index = directory.resolve("model.safetensors.index.json");
		if (Files.exists(index)) {
			JsonNode weightMap = readJson(insideRoots(index, "weights"), "weights").get("weight_map");
			if (weightMap == null || !weightMap.isObject() || weightMap.isEmpty()) {
				throw invalid("weights", "model.safetensors.index.json has no weight_map");
			}
			Set<String> shards = new TreeSet<>();
			for (JsonNode shard : weightMap.values()) {
				String name = shard.isString() ? shard.stringValue() : "";
				if (!name.matches("[A-Za-z0-9._-]+\\.safetensors") || name.startsWith(".")) {
					throw invalid("weights", "model.safetensors.index.json names an invalid shard file '" + name + "'");
				}
				shards.add(name);
			}
			List<String> missing = shards.stream().filter(name -> !Files.exists(directory.resolve(name))).toList();
			if (!missing.isEmpty()) {
				throw invalid("weights", "weight shards listed in model.safetensors.index.json are missing: " + missing);
			}
			shards.forEach(name -> checkSafetensors(directory.resolve(name)));
			return;
		}
		Path single = directory.resolve("model.safetensors");
		if (!Files.exists(single)) {
			throw invalid("weights", "no weights: expected model.safetensors or model.safetensors.index.json");
		}
		checkSafetensors(single);
	}

	/** A cheap format check: an 8-byte little-endian header length that fits the file, then a JSON object. */
	private void checkSafetensors(Path file) {
		Path real = insideRoots(file, "weights");
		String name = file.getFileName().toString();
		try (InputStream in = Files.newInputStream(real)) {
			long size = Files.size(real);
			byte[] head = in.readNBytes(9);
			if (head.length < 9) {
				throw invalid("weights", name + " is too small to be a safetensors file");
			}
			long headerLength = ByteBuffer.wrap(head, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
			if (headerLength < 2 || headerLength > size - 8 || head[8] != '{') {
				throw invalid("weights", name + " is not a safetensors file");
			}
		}
		catch (IOException ex) {
			throw invalid("weights", name + " cannot be read");
		}
	}

	private JsonNode readJson(Path file, String field) {
		String name = file.getFileName().toString();
		try {
			if (!Files.isRegularFile(file) || Files.size(file) > MAX_JSON_BYTES) {
				throw invalid(field, name + " is not a regular file of at most " + MAX_JSON_BYTES + " bytes");
			}
			JsonNode node = JSON.readTree(file);
			if (node == null || !node.isObject()) {
				throw invalid(field, name + " is not a JSON object");
			}
			return node;
		}
		catch (IOException | JacksonException ex) {
			throw invalid(field, name + " is not valid JSON");
		}
	}

	/** The file's real path, which must stay under an allowed root (a symlinked file may not point outside). */
	private Path insideRoots(Path file, String field) {
		Path real = realPath(file, field);
		if (!under(real, realRoots)) {
			throw invalid(field, file.getFileName() + " leads (through a symbolic link) outside the allowed model roots");
		}
		return real;
	}

	private static Path realPath(Path path, String field) {
		try {
			return path.toRealPath();
		}
		catch (IOException ex) {
			throw invalid(field, path.getFileName() + " cannot be resolved (dangling link?)");
		}
	}

	private static boolean under(Path path, List<Path> roots) {
		return roots.stream().anyMatch(path::startsWith);
	}

	private static ApiProblem invalid(String field, String detail) {
		return ApiProblem.badRequest("model-invalid", detail).with("field", field);
	}

}

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
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.vlmr1.studio.web.ApiProblem;

/**
 * Checks that a directory is a Hugging Face Qwen2-VL / Qwen2.5-VL checkpoint we may register: under one of the
 * given roots (after resolving symlinks, so a link cannot point outside), a {@code config.json} whose root
 * {@code model_type} is {@code qwen2_vl} or {@code qwen2_5_vl} (the {@code text_config.model_type} is
 * {@code *_text} in transformers 5 configs and is not what names the architecture), and safetensors weights:
 * {@code model.safetensors} or an index whose every shard is present. Each failure is a 400 problem naming the
 * offending field.
 *
 * <p>What lies outside the roots is out of the caller's reach, so a path or file outside them is reported exactly
 * like a missing one, and no message names an absolute server path: the answers reveal nothing about the server's
 * file system beyond the roots.
 *
 * <p>A PEFT LoRA adapter directory ({@code adapter_config.json} + {@code adapter_model.safetensors}, as LoRA runs
 * checkpoint) is a model too. Its {@code base_model_name_or_path} (absolute, or relative to the adapter) must be a
 * full checkpoint that passes the same checks, under the same roots or exactly one of the caller's own models (a
 * LoRA run's base is the model it trained from); the model loads as that base with the adapter on top.
 */
final class CheckpointValidator {

	static final Set<String> MODEL_TYPES = Set.of("qwen2_vl", "qwen2_5_vl");

	private static final long MAX_JSON_BYTES = 16L * 1024 * 1024;

	private static final JsonMapper JSON = JsonMapper.shared();

	static final String ADAPTER_CONFIG = "adapter_config.json";

	static final String ADAPTER_WEIGHTS = "adapter_model.safetensors";

	/** A directory that passed every check. */
	record ValidCheckpoint(Path directory, String modelType) {
	}

	private final List<Path> roots;

	private final List<Path> excluded;

	private final String noDirectory;

	private final String rootsName;

	/**
	 * @param roots where checkpoints may be; each is resolved to its real path on every validation (a root created
	 * or replaced after start counts as it is then)
	 * @param rootsName what the roots are called in messages, e.g. "the import roots"
	 * @param excluded trees no root may reach into or contain, real paths compared (a root that became a link into
	 * one after start is ignored)
	 */
	CheckpointValidator(List<Path> roots, String rootsName, List<Path> excluded) {
		this.roots = roots.stream().map(root -> root.toAbsolutePath().normalize()).toList();
		this.excluded = excluded.stream().map(dir -> dir.toAbsolutePath().normalize()).toList();
		this.noDirectory = "no checkpoint directory at this path within " + rootsName;
		this.rootsName = rootsName;
	}

	CheckpointValidator(List<Path> roots, String rootsName) {
		this(roots, rootsName, List.of());
	}

	List<Path> roots() {
		return roots;
	}

	ValidCheckpoint validate(String rawPath) {
		return validate(rawPath, List.of());
	}

	/**
	 * @param ownModels directories of the caller's own registered models: besides the roots, where an adapter's base
	 * may be
	 */
	ValidCheckpoint validate(String rawPath, List<Path> ownModels) {
		List<Path> realRoots = realRoots();
		Path directory = resolveDirectory(rawPath, realRoots);
		if (withinRoots(directory.resolve(ADAPTER_CONFIG), realRoots).isPresent()) {
			return validateAdapter(directory, realRoots, ownModels);
		}
		return validateFull(directory, realRoots);
	}

	private ValidCheckpoint validateFull(Path directory, List<Path> realRoots) {
		String modelType = readModelType(directory, realRoots);
		checkWeights(directory, realRoots);
		return new ValidCheckpoint(directory, modelType);
	}

	private ValidCheckpoint validateAdapter(Path directory, List<Path> realRoots, List<Path> ownModels) {
		JsonNode config = readJson(withinRoots(directory.resolve(ADAPTER_CONFIG), realRoots).orElseThrow(), ADAPTER_CONFIG);
		JsonNode peftType = config.get("peft_type");
		if (peftType == null || !"LORA".equals(peftType.isString() ? peftType.stringValue() : "")) {
			throw invalid("peft_type", ADAPTER_CONFIG + " must have peft_type LORA");
		}
		Path weights = withinRoots(directory.resolve(ADAPTER_WEIGHTS), realRoots)
			.orElseThrow(() -> invalid("weights", "no adapter weights: expected " + ADAPTER_WEIGHTS));
		checkSafetensors(weights, ADAPTER_WEIGHTS);
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
		// the base is read like the adapter: within the roots, or exactly one of the caller's own models
		List<Path> baseRoots = new ArrayList<>(realRoots);
		realPath(basePath).filter(real -> ownModels.stream().map(m -> realPath(m).orElse(null)).anyMatch(real::equals))
			.ifPresent(baseRoots::add);
		Path baseDirectory = withinRoots(basePath, baseRoots).filter(Files::isDirectory)
			.orElseThrow(() -> invalid("base_model_name_or_path",
					"the adapter's base is not a checkpoint within " + rootsName + " nor one of your models"));
		if (Files.exists(baseDirectory.resolve(ADAPTER_CONFIG))) {
			throw invalid("base_model_name_or_path", "the base of an adapter must be a full checkpoint, not an adapter");
		}
		try {
			return new ValidCheckpoint(directory, validateFull(baseDirectory, baseRoots).modelType());
		}
		catch (ApiProblem ex) {
			throw invalid("base_model_name_or_path", "base model: " + ex.getMessage());
		}
	}

	private List<Path> realRoots() {
		List<Path> realExcluded = excluded.stream().map(dir -> realPath(dir).orElse(dir)).toList();
		List<Path> real = new ArrayList<>();
		for (Path root : roots) {
			// a root that does not exist (yet) cannot contain a checkpoint
			realPath(root).filter(r -> realExcluded.stream().noneMatch(x -> r.startsWith(x) || x.startsWith(r)))
				.ifPresent(real::add);
		}
		return real;
	}

	private static Optional<Path> realPath(Path path) {
		try {
			return Optional.of(path.toRealPath());
		}
		catch (IOException ex) {
			return Optional.empty();
		}
	}

	private Path resolveDirectory(String rawPath, List<Path> realRoots) {
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
		// outside the roots, missing, a dangling link, a link that leaves the roots, not a directory: one answer
		Path normalized = requested.normalize();
		if (!under(normalized, roots)) {
			throw invalid("path", noDirectory);
		}
		return withinRoots(normalized, realRoots).filter(Files::isDirectory)
			.orElseThrow(() -> invalid("path", noDirectory));
	}

	private String readModelType(Path directory, List<Path> realRoots) {
		Path config = withinRoots(directory.resolve("config.json"), realRoots)
			.orElseThrow(() -> invalid("config.json", "config.json is missing"));
		JsonNode root = readJson(config, "config.json");
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

	private void checkWeights(Path directory, List<Path> realRoots) {
		Optional<Path> index = withinRoots(directory.resolve("model.safetensors.index.json"), realRoots);
		if (index.isPresent()) {
			JsonNode weightMap = readJson(index.get(), "weights").get("weight_map");
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
			List<String> missing = shards.stream()
				.filter(name -> withinRoots(directory.resolve(name), realRoots).isEmpty())
				.toList();
			if (!missing.isEmpty()) {
				throw invalid("weights", "weight shards listed in model.safetensors.index.json are missing: " + missing);
			}
			shards.forEach(name -> checkSafetensors(withinRoots(directory.resolve(name), realRoots).orElseThrow(),
					name));
			return;
		}
		Path single = withinRoots(directory.resolve("model.safetensors"), realRoots).orElseThrow(
				() -> invalid("weights", "no weights: expected model.safetensors or model.safetensors.index.json"));
		checkSafetensors(single, "model.safetensors");
	}

	/** A cheap format check: an 8-byte little-endian header length that fits the file, then a JSON object. */
	private static void checkSafetensors(Path real, String name) {
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

	private static JsonNode readJson(Path file, String field) {
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

	/**
	 * The real path of {@code path} when it exists and, symlinks resolved, stays under a root; otherwise empty,
	 * whether it is missing, dangling or leads outside (the caller must not learn which).
	 */
	private static Optional<Path> withinRoots(Path path, List<Path> realRoots) {
		return realPath(path).filter(real -> under(real, realRoots));
	}

	private static boolean under(Path path, List<Path> roots) {
		return roots.stream().anyMatch(path::startsWith);
	}

	private static ApiProblem invalid(String field, String detail) {
		return ApiProblem.badRequest("model-invalid", detail).with("field", field);
	}

}

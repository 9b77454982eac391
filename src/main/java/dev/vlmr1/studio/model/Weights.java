package dev.vlmr1.studio.model;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.vlmr1.studio.model.safetensors.SafetensorsReader;
import dev.vlmr1.studio.model.safetensors.TensorInfo;

/**
 * The tensors of a checkpoint, by their names in the released Qwen checkpoints ({@code visual.*},
 * {@code model.embed_tokens.weight}, {@code model.layers.i.*}, {@code model.norm.weight}, {@code lm_head.weight}).
 *
 * <p>Files written by newer transformers ({@code model.visual.*}, {@code model.language_model.*}) are read through
 * the same names. Shards listed in {@code model.safetensors.index.json} are opened lazily. Every tensor comes out as
 * float32 (BF16/F16 widened in Java), or for a half-precision base as float16 (narrowed element by element), and its shape is checked against what the model expects, so a wrong
 * checkpoint fails with the tensor's name and both shapes instead of a native error. Tracks which tensors were
 * consumed so loaders can assert that nothing was left over, as nanoGPT's {@code from_pretrained} does.
 */
public final class Weights implements TensorSource, AutoCloseable {

	private static final ObjectMapper JSON = new ObjectMapper();

	private final Map<String, Path> fileByName;

	private final Map<String, String> storedNameByName;

	private final Map<Path, SafetensorsReader> readers = new HashMap<>();

	private final Set<String> consumed = new LinkedHashSet<>();

	private Weights(Map<String, Path> fileByName, Map<String, String> storedNameByName) {
		this.fileByName = fileByName;
		this.storedNameByName = storedNameByName;
	}

	/**
	 * Opens a checkpoint directory ({@code model.safetensors.index.json}, else {@code model.safetensors}) or a
	 * single {@code .safetensors} file.
	 */
	public static Weights open(Path dirOrFile) {
		if (Files.isRegularFile(dirOrFile)) {
			return fromFiles(List.of(dirOrFile));
		}
		Path index = dirOrFile.resolve("model.safetensors.index.json");
		if (Files.isRegularFile(index)) {
			return fromIndex(index);
		}
		Path single = dirOrFile.resolve("model.safetensors");
		if (Files.isRegularFile(single)) {
			return fromFiles(List.of(single));
		}
		throw new CheckpointException(dirOrFile + ": no model.safetensors or model.safetensors.index.json");
	}

	private static Weights fromIndex(Path index) {
		JsonNode weightMap;
		try {
			weightMap = JSON.readTree(index.toFile()).path("weight_map");
		}
		catch (IOException ex) {
			throw new CheckpointException(index + ": not valid JSON: " + ex.getMessage(), ex);
		}
		if (!weightMap.isObject() || weightMap.isEmpty()) {
			throw new CheckpointException(index + ": no weight_map");
		}
		Map<String, Path> files = new LinkedHashMap<>();
		Map<String, String> stored = new LinkedHashMap<>();
		for (var entry : weightMap.properties()) {
			Path shard = index.resolveSibling(entry.getValue().asText());
			if (!Files.isRegularFile(shard)) {
				throw new CheckpointException(index + ": shard " + shard.getFileName() + " is missing");
			}
			String name = releasedName(entry.getKey());
			files.put(name, shard);
			stored.put(name, entry.getKey());
		}
		return new Weights(files, stored);
	}

	private static Weights fromFiles(List<Path> files) {
		Map<String, Path> byName = new LinkedHashMap<>();
		Map<String, String> stored = new LinkedHashMap<>();
		for (Path file : files) {
			try (var reader = SafetensorsReader.open(file)) {
				for (String storedName : reader.names()) {
					String name = releasedName(storedName);
					byName.put(name, file);
					stored.put(name, storedName);
				}
			}
		}
		return new Weights(byName, stored);
	}

	/** Maps transformers' newer module names onto the released ones. */
	static String releasedName(String name) {
		if (name.startsWith("model.visual.")) {
			return name.substring("model.".length());
		}
		if (name.startsWith("model.language_model.")) {
			return "model." + name.substring("model.language_model.".length());
		}
		return name;
	}

	public boolean contains(String name) {
		return fileByName.containsKey(name);
	}

	/** All tensor names, in released naming, sorted. */
	public Set<String> names() {
		return new TreeSet<>(fileByName.keySet());
	}

	/** The names no one has loaded yet: after building a model this must be empty (or only known extras). */
	public Set<String> unconsumed() {
		Set<String> left = new TreeSet<>(fileByName.keySet());
		left.removeAll(consumed);
		return left;
	}

	/** The stored shape of a tensor. */
	public long[] shape(String name) {
		return info(name).shape();
	}

	/** The tensor as float32, after checking its shape. */
	@Override
	public float[] floats(String name, long... expectedShape) {
		checkShape(name, expectedShape);
		consumed.add(name);
		return reader(name).floats(storedNameByName.get(name));
	}

	private void checkShape(String name, long... expectedShape) {
		TensorInfo info = info(name);
		if (!Arrays.equals(info.shape(), expectedShape)) {
			throw new CheckpointException("tensor " + name + ": expected shape " + Arrays.toString(expectedShape)
					+ ", found " + Arrays.toString(info.shape()) + " in " + fileByName.get(name).getFileName());
		}
	}

	/** The tensor as IEEE half precision, narrowed element by element from its stored type, after checking its shape. */
	@Override
	public ByteBuffer halfs(String name, long... expectedShape) {
		checkShape(name, expectedShape);
		consumed.add(name);
		return reader(name).halfs(storedNameByName.get(name));
	}

	/** The tensor as a float32 NDArray on {@code manager}, after checking its shape. */
	public NDArray array(NDManager manager, String name, long... expectedShape) {
		return manager.create(floats(name, expectedShape), new Shape(expectedShape));
	}

	private TensorInfo info(String name) {
		if (!fileByName.containsKey(name)) {
			throw new CheckpointException("checkpoint has no tensor " + name);
		}
		return reader(name).info(storedNameByName.get(name));
	}

	private SafetensorsReader reader(String name) {
		return readers.computeIfAbsent(fileByName.get(name), SafetensorsReader::open);
	}

	@Override
	public void close() {
		readers.values().forEach(SafetensorsReader::close);
		readers.clear();
	}

}

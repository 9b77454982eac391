package dev.vlmr1.studio.model.safetensors;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Writes safetensors files the way the {@code safetensors} library does, so transformers loads them: an 8-byte
 * little-endian header length, a compact JSON header with {@code __metadata__ {"format": "pt"}} padded with spaces to
 * a multiple of 8 bytes, then the tensors back to back, largest element size first and by name within a size (every
 * tensor then starts aligned to its element size).
 *
 * <p>Data goes through a {@link FileChannel} tensor by tensor with {@code long} offsets: no byte array of the whole
 * file, so checkpoints of any size work. Files are written to a temporary name and moved into place, so a crash never
 * leaves a truncated file under the final name.
 */
public final class SafetensorsWriter {

	/** The single-file name transformers uses. */
	public static final String SINGLE_FILE = "model.safetensors";

	/** The shard index transformers writes next to sharded files. */
	public static final String INDEX_FILE = "model.safetensors.index.json";

	private static final ObjectMapper JSON = new ObjectMapper();

	private static final Map<String, String> PT_METADATA = Map.of("format", "pt");

	private SafetensorsWriter() {
	}

	/** Writes one file with {@code __metadata__ {"format": "pt"}}. */
	public static void write(Path file, List<WritableTensor> tensors) {
		write(file, tensors, PT_METADATA);
	}

	/** Writes one file with the given {@code __metadata__} (string values only, as the format requires). */
	public static void write(Path file, List<WritableTensor> tensors, Map<String, String> metadata) {
		List<WritableTensor> ordered = inFileOrder(tensors);
		byte[] header = header(ordered, metadata);
		Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
		try {
			try (FileChannel out = FileChannel.open(temporary, StandardOpenOption.CREATE,
					StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
				ByteBuffer prefix = ByteBuffer.allocate(8 + header.length).order(ByteOrder.LITTLE_ENDIAN);
				prefix.putLong(header.length).put(header).flip();
				while (prefix.hasRemaining()) {
					out.write(prefix);
				}
				for (WritableTensor tensor : ordered) {
					tensor.writeTo(out);
				}
				out.force(false);
			}
			Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
		}
		catch (IOException ex) {
			deleteQuietly(temporary);
			throw new SafetensorsException(file + ": cannot write: " + ex.getMessage(), ex);
		}
		catch (RuntimeException ex) {
			deleteQuietly(temporary);
			throw ex;
		}
	}

	/**
	 * Writes a checkpoint's weights into {@code directory}: one {@value #SINGLE_FILE} when they fit in
	 * {@code maxShardBytes}, otherwise {@code model-0000i-of-0000n.safetensors} shards plus {@value #INDEX_FILE}
	 * ({@code metadata.total_size}, {@code weight_map}), as {@code save_pretrained(max_shard_size=…)} does. A tensor
	 * larger than the limit gets a shard of its own. Weight files of an earlier save in the directory are removed.
	 * @return the files written, index last
	 */
	public static List<Path> writeCheckpoint(Path directory, List<WritableTensor> tensors, long maxShardBytes) {
		if (maxShardBytes <= 0) {
			throw new IllegalArgumentException("maxShardBytes must be positive, got " + maxShardBytes);
		}
		checkUniqueNames(tensors);
		removeOldWeights(directory);
		List<List<WritableTensor>> shards = shards(tensors, maxShardBytes);
		if (shards.size() <= 1) {
			Path file = directory.resolve(SINGLE_FILE);
			write(file, tensors);
			return List.of(file);
		}
		List<Path> written = new ArrayList<>();
		Map<String, String> weightMap = new TreeMap<>();
		long totalSize = 0;
		for (int i = 0; i < shards.size(); i++) {
			String name = String.format("model-%05d-of-%05d.safetensors", i + 1, shards.size());
			Path file = directory.resolve(name);
			write(file, shards.get(i));
			written.add(file);
			for (WritableTensor tensor : shards.get(i)) {
				weightMap.put(tensor.name(), name);
				totalSize += tensor.byteSize();
			}
		}
		Path index = directory.resolve(INDEX_FILE);
		ObjectNode root = JSON.createObjectNode();
		root.putObject("metadata").put("total_size", totalSize);
		ObjectNode map = root.putObject("weight_map");
		weightMap.forEach(map::put);
		try {
			Files.writeString(index, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n");
		}
		catch (IOException ex) {
			throw new SafetensorsException(index + ": cannot write: " + ex.getMessage(), ex);
		}
		written.add(index);
		return written;
	}

	/**
	 * Deletes the weight files of an earlier save in {@code directory}, as {@code save_pretrained} does: a stale index
	 * or shard next to the new files would be loaded instead of (or mixed with) them.
	 */
	private static void removeOldWeights(Path directory) {
		try {
			Files.createDirectories(directory);
			try (var files = Files.list(directory)) {
				for (Path file : files.toList()) {
					String name = file.getFileName().toString();
					if (name.equals(SINGLE_FILE) || name.equals(INDEX_FILE)
							|| name.matches("model-\\d{5}-of-\\d{5}\\.safetensors")) {
						Files.delete(file);
					}
				}
			}
		}
		catch (IOException ex) {
			throw new SafetensorsException(directory + ": cannot prepare for writing: " + ex.getMessage(), ex);
		}
	}

	/** Greedy split in the given order: a new shard starts when the next tensor would overflow the current one. */
	static List<List<WritableTensor>> shards(List<WritableTensor> tensors, long maxShardBytes) {
		List<List<WritableTensor>> shards = new ArrayList<>();
		List<WritableTensor> current = new ArrayList<>();
		long currentBytes = 0;
		for (WritableTensor tensor : tensors) {
			long size = tensor.byteSize();
			if (!current.isEmpty() && currentBytes + size > maxShardBytes) {
				shards.add(current);
				current = new ArrayList<>();
				currentBytes = 0;
			}
			current.add(tensor);
			currentBytes += size;
		}
		if (!current.isEmpty()) {
			shards.add(current);
		}
		return shards;
	}

	private static List<WritableTensor> inFileOrder(List<WritableTensor> tensors) {
		checkUniqueNames(tensors);
		List<WritableTensor> ordered = new ArrayList<>(tensors);
		ordered.sort(Comparator.comparingInt((WritableTensor t) -> -t.dtype().bytes())
			.thenComparing(WritableTensor::name));
		return ordered;
	}

	private static byte[] header(List<WritableTensor> ordered, Map<String, String> metadata) {
		// LinkedHashMap keeps __metadata__ first and the tensors in data order, like the library's own header
		Map<String, Object> header = new LinkedHashMap<>();
		if (!metadata.isEmpty()) {
			header.put("__metadata__", new TreeMap<>(metadata));
		}
		long offset = 0;
		for (WritableTensor tensor : ordered) {
			long end = offset + tensor.byteSize();
			Map<String, Object> entry = new LinkedHashMap<>();
			entry.put("dtype", tensor.dtype().name());
			entry.put("shape", tensor.shape());
			entry.put("data_offsets", new long[] { offset, end });
			header.put(tensor.name(), entry);
			offset = end;
		}
		try {
			StringBuilder json = new StringBuilder(JSON.writeValueAsString(header));
			// pad with spaces so the data section starts 8-byte aligned (8 + header length ≡ 0 mod 8)
			int utf8Length = json.toString().getBytes(StandardCharsets.UTF_8).length;
			json.append(" ".repeat((8 - utf8Length % 8) % 8));
			return json.toString().getBytes(StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new SafetensorsException("cannot encode safetensors header: " + ex.getMessage(), ex);
		}
	}

	private static void checkUniqueNames(List<WritableTensor> tensors) {
		var seen = new HashSet<String>();
		for (WritableTensor tensor : tensors) {
			if (!seen.add(tensor.name())) {
				throw new IllegalArgumentException("tensor " + tensor.name() + " appears twice");
			}
		}
	}

	private static void deleteQuietly(Path file) {
		try {
			Files.deleteIfExists(file);
		}
		catch (IOException ignored) {
			// the original failure is the one worth reporting
		}
	}

}

package dev.vlmr1.studio.model.safetensors;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Reads one {@code .safetensors} file: an 8-byte little-endian header length, a JSON header, then raw
 * little-endian tensor bytes.
 *
 * <p>Why not DJL's {@code NDList.decode}: it reads the whole file into one {@code byte[]} with int offsets (files
 * over 2 GiB fail) and aborts the JVM on BF16. Here every tensor is memory-mapped on its own, so files of any size
 * work, and BF16/F16 are widened to float in Java before anything reaches libtorch.
 */
public final class SafetensorsReader implements AutoCloseable {

	private static final ObjectMapper JSON = new ObjectMapper();

	private static final long MAX_HEADER_BYTES = 100L * 1024 * 1024;

	private final Path file;

	private final FileChannel channel;

	private final long dataStart;

	private final Map<String, TensorInfo> tensors;

	private final Map<String, String> metadata;

	private SafetensorsReader(Path file, FileChannel channel, long dataStart, Map<String, TensorInfo> tensors,
			Map<String, String> metadata) {
		this.file = file;
		this.channel = channel;
		this.dataStart = dataStart;
		this.tensors = tensors;
		this.metadata = metadata;
	}

	/** Opens a file and validates its header against the file size. */
	public static SafetensorsReader open(Path file) {
		FileChannel channel = null;
		try {
			channel = FileChannel.open(file, StandardOpenOption.READ);
			long size = channel.size();
			if (size < 8) {
				throw new SafetensorsException(file + ": truncated (" + size + " bytes, no header length)");
			}
			ByteBuffer lengthBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
			readFully(channel, lengthBytes, 0);
			long headerLength = lengthBytes.getLong(0);
			if (headerLength <= 0 || headerLength > MAX_HEADER_BYTES || 8 + headerLength > size) {
				throw new SafetensorsException(
						file + ": truncated or corrupt (header length " + headerLength + ", file size " + size + ")");
			}
			ByteBuffer header = ByteBuffer.allocate((int) headerLength);
			readFully(channel, header, 8);
			long dataStart = 8 + headerLength;
			var parsed = parseHeader(file, new String(header.array(), StandardCharsets.UTF_8), size - dataStart);
			return new SafetensorsReader(file, channel, dataStart, parsed.tensors, parsed.metadata);
		}
		catch (IOException ex) {
			closeQuietly(channel);
			throw new SafetensorsException(file + ": " + ex.getMessage(), ex);
		}
		catch (RuntimeException ex) {
			closeQuietly(channel);
			throw ex;
		}
	}

	private record Header(Map<String, TensorInfo> tensors, Map<String, String> metadata) {
	}

	private static Header parseHeader(Path file, String json, long dataBytes) throws IOException {
		JsonNode root = JSON.readTree(json);
		if (root == null || !root.isObject()) {
			throw new SafetensorsException(file + ": header is not a JSON object");
		}
		Map<String, TensorInfo> tensors = new LinkedHashMap<>();
		Map<String, String> metadata = new LinkedHashMap<>();
		for (var entry : root.properties()) {
			String name = entry.getKey();
			JsonNode node = entry.getValue();
			if ("__metadata__".equals(name)) {
				node.properties().forEach((e) -> metadata.put(e.getKey(), e.getValue().asText()));
				continue;
			}
			DType dtype = DType.parse(node.path("dtype").asText());
			JsonNode shapeNode = node.path("shape");
			long[] shape = new long[shapeNode.size()];
			for (int i = 0; i < shape.length; i++) {
				shape[i] = shapeNode.get(i).asLong();
			}
			long begin = node.path("data_offsets").path(0).asLong(-1);
			long end = node.path("data_offsets").path(1).asLong(-1);
			var info = new TensorInfo(name, dtype, shape, begin, end);
			if (begin < 0 || end < begin || end > dataBytes) {
				throw new SafetensorsException(file + ": tensor " + name + " lies outside the file (offsets " + begin
						+ ".." + end + ", " + dataBytes + " data bytes): truncated file?");
			}
			if (info.elementCount() * dtype.bytes() != end - begin) {
				throw new SafetensorsException(file + ": tensor " + info + " has " + (end - begin) + " bytes");
			}
			tensors.put(name, info);
		}
		return new Header(Collections.unmodifiableMap(tensors), Collections.unmodifiableMap(metadata));
	}

	public Path file() {
		return file;
	}

	/** Tensor names in header order. */
	public Set<String> names() {
		return tensors.keySet();
	}

	public List<TensorInfo> tensors() {
		return new ArrayList<>(tensors.values());
	}

	public Map<String, String> metadata() {
		return metadata;
	}

	public boolean contains(String name) {
		return tensors.containsKey(name);
	}

	public TensorInfo info(String name) {
		TensorInfo info = tensors.get(name);
		if (info == null) {
			throw new SafetensorsException(file + ": no tensor named " + name);
		}
		return info;
	}

	/**
	 * The tensor's raw little-endian bytes, memory-mapped. The buffer starts at position 0 (a slice), because the
	 * native side of DJL ignores {@code position()}.
	 */
	public ByteBuffer bytes(String name) {
		TensorInfo info = info(name);
		try {
			MappedByteBuffer mapped = channel.map(FileChannel.MapMode.READ_ONLY, dataStart + info.begin(),
					info.end() - info.begin());
			return mapped.order(ByteOrder.LITTLE_ENDIAN);
		}
		catch (IOException ex) {
			throw new SafetensorsException(file + ": cannot map " + name + ": " + ex.getMessage(), ex);
		}
	}

	/** The tensor as float32, widening F16 and BF16 in Java (BF16 must never reach libtorch on this engine). */
	public float[] floats(String name) {
		TensorInfo info = info(name);
		ByteBuffer bytes = bytes(name);
		int n = Math.toIntExact(info.elementCount());
		float[] out = new float[n];
		switch (info.dtype()) {
			case F32 -> bytes.asFloatBuffer().get(out);
			case F64 -> {
				var doubles = bytes.asDoubleBuffer();
				for (int i = 0; i < n; i++) {
					out[i] = (float) doubles.get(i);
				}
			}
			case BF16 -> {
				var shorts = bytes.asShortBuffer();
				for (int i = 0; i < n; i++) {
					out[i] = Float.intBitsToFloat((shorts.get(i) & 0xFFFF) << 16);
				}
			}
			case F16 -> {
				var shorts = bytes.asShortBuffer();
				for (int i = 0; i < n; i++) {
					out[i] = halfToFloat(shorts.get(i));
				}
			}
			default -> {
				long[] longs = longs(name);
				for (int i = 0; i < n; i++) {
					out[i] = longs[i];
				}
			}
		}
		return out;
	}

	/**
	 * The tensor as IEEE half precision in a direct little-endian buffer (2 bytes an element), narrowed element by
	 * element: a BF16 or F32 tensor never exists in float32 as a whole on the way (F16 is copied as it is).
	 */
	public ByteBuffer halfs(String name) {
		TensorInfo info = info(name);
		ByteBuffer bytes = bytes(name);
		int n = Math.toIntExact(info.elementCount());
		ByteBuffer out = ByteBuffer.allocateDirect(Math.multiplyExact(n, 2)).order(ByteOrder.LITTLE_ENDIAN);
		var halfs = out.asShortBuffer();
		switch (info.dtype()) {
			case F16 -> halfs.put(bytes.asShortBuffer());
			case BF16 -> {
				var shorts = bytes.asShortBuffer();
				for (int i = 0; i < n; i++) {
					halfs.put(i, HalfFloats.toHalf(Float.intBitsToFloat((shorts.get(i) & 0xFFFF) << 16)));
				}
			}
			case F32 -> {
				var floats = bytes.asFloatBuffer();
				for (int i = 0; i < n; i++) {
					halfs.put(i, HalfFloats.toHalf(floats.get(i)));
				}
			}
			default -> {
				float[] floats = floats(name);
				for (int i = 0; i < n; i++) {
					halfs.put(i, HalfFloats.toHalf(floats[i]));
				}
			}
		}
		return out;
	}

	/** The tensor as int64, for integer tensors (ids, masks, grids). */
	public long[] longs(String name) {
		TensorInfo info = info(name);
		ByteBuffer bytes = bytes(name);
		int n = Math.toIntExact(info.elementCount());
		long[] out = new long[n];
		switch (info.dtype()) {
			case I64 -> bytes.asLongBuffer().get(out);
			case I32 -> {
				var ints = bytes.asIntBuffer();
				for (int i = 0; i < n; i++) {
					out[i] = ints.get(i);
				}
			}
			case I16 -> {
				var shorts = bytes.asShortBuffer();
				for (int i = 0; i < n; i++) {
					out[i] = shorts.get(i);
				}
			}
			case I8 -> {
				for (int i = 0; i < n; i++) {
					out[i] = bytes.get(i);
				}
			}
			case U8, BOOL -> {
				for (int i = 0; i < n; i++) {
					out[i] = bytes.get(i) & 0xFF;
				}
			}
			default -> {
				float[] floats = floats(name);
				for (int i = 0; i < n; i++) {
					out[i] = (long) floats[i];
				}
			}
		}
		return out;
	}

	@Override
	public void close() {
		closeQuietly(channel);
	}

	private static void readFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
		while (buffer.hasRemaining()) {
			int read = channel.read(buffer, position + buffer.position());
			if (read < 0) {
				throw new SafetensorsException("unexpected end of file");
			}
		}
	}

	private static void closeQuietly(FileChannel channel) {
		if (channel != null) {
			try {
				channel.close();
			}
			catch (IOException ignored) {
				// nothing useful to do: the file was only read
			}
		}
	}

	/** IEEE 754 half precision to float (Java 17 has no {@code Float.float16ToFloat}). */
	static float halfToFloat(short half) {
		int bits = half & 0xFFFF;
		int sign = (bits & 0x8000) << 16;
		int exponent = (bits >>> 10) & 0x1F;
		int mantissa = bits & 0x3FF;
		if (exponent == 0x1F) {
			return Float.intBitsToFloat(sign | 0x7F800000 | (mantissa << 13));
		}
		if (exponent == 0) {
			float value = mantissa * 0x1p-24f;
			return sign == 0 ? value : -value;
		}
		return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
	}

	/** Whether {@code path} is a safetensors file this reader can open (used when scanning checkpoint folders). */
	public static boolean looksLikeSafetensors(Path path) {
		return Files.isRegularFile(path) && path.getFileName().toString().endsWith(".safetensors");
	}

}

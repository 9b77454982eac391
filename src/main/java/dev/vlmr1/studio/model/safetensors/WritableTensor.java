package dev.vlmr1.studio.model.safetensors;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.WritableByteChannel;
import java.util.Arrays;
import java.util.function.Supplier;

/**
 * One tensor to be written by {@link SafetensorsWriter}: its header entry (name, dtype, shape) and a lazy source of
 * its elements.
 *
 * <p>Why lazy: a 3B checkpoint is 7-15 GB; the writer asks for each tensor's values only when it reaches that tensor,
 * so the caller may produce them one at a time (e.g. {@code NDArray.toFloatArray()}) instead of holding all of them.
 */
public final class WritableTensor {

	/** Elements converted and written per chunk: bounds the scratch buffer, not the tensor size. */
	private static final int CHUNK_ELEMENTS = 1 << 16;

	private final String name;

	private final DType dtype;

	private final long[] shape;

	private final Payload payload;

	@FunctionalInterface
	private interface Payload {

		/** Writes the tensor's little-endian bytes; returns how many were written. */
		long writeTo(WritableByteChannel out) throws IOException;

	}

	private WritableTensor(String name, DType dtype, long[] shape, Payload payload) {
		if (name.isEmpty() || "__metadata__".equals(name)) {
			throw new IllegalArgumentException("invalid tensor name '" + name + "'");
		}
		for (long dim : shape) {
			if (dim < 0) {
				throw new IllegalArgumentException(name + ": negative dimension in " + Arrays.toString(shape));
			}
		}
		this.name = name;
		this.dtype = dtype;
		this.shape = shape.clone();
		this.payload = payload;
	}

	/** A float32 tensor from values already in memory. */
	public static WritableTensor f32(String name, long[] shape, float[] values) {
		checkCount(name, shape, values.length);
		return floats(name, DType.F32, shape, () -> values);
	}

	/**
	 * A floating-point tensor stored as {@code dtype} (F32, F16 or BF16, rounded to nearest even), whose values are
	 * produced only when the writer reaches it.
	 */
	public static WritableTensor floats(String name, DType dtype, long[] shape, Supplier<float[]> values) {
		if (dtype != DType.F32 && dtype != DType.F16 && dtype != DType.BF16) {
			throw new IllegalArgumentException(name + ": floats can be stored as F32, F16 or BF16, not " + dtype);
		}
		return new WritableTensor(name, dtype, shape, (out) -> {
			float[] data = values.get();
			checkCount(name, shape, data.length);
			ByteBuffer chunk = ByteBuffer.allocate(CHUNK_ELEMENTS * dtype.bytes()).order(ByteOrder.LITTLE_ENDIAN);
			long written = 0;
			for (int start = 0; start < data.length; start += CHUNK_ELEMENTS) {
				chunk.clear();
				int end = Math.min(data.length, start + CHUNK_ELEMENTS);
				for (int i = start; i < end; i++) {
					switch (dtype) {
						case F32 -> chunk.putFloat(data[i]);
						case F16 -> chunk.putShort(HalfFloats.toHalf(data[i]));
						default -> chunk.putShort(HalfFloats.toBfloat16(data[i]));
					}
				}
				chunk.flip();
				written += writeFully(out, chunk);
			}
			return written;
		});
	}

	/** An int64 tensor (ids, masks, grids). */
	public static WritableTensor i64(String name, long[] shape, long[] values) {
		checkCount(name, shape, values.length);
		return new WritableTensor(name, DType.I64, shape, (out) -> {
			ByteBuffer chunk = ByteBuffer.allocate(CHUNK_ELEMENTS * 8).order(ByteOrder.LITTLE_ENDIAN);
			long written = 0;
			for (int start = 0; start < values.length; start += CHUNK_ELEMENTS) {
				chunk.clear();
				int end = Math.min(values.length, start + CHUNK_ELEMENTS);
				for (int i = start; i < end; i++) {
					chunk.putLong(values[i]);
				}
				chunk.flip();
				written += writeFully(out, chunk);
			}
			return written;
		});
	}

	/**
	 * A tensor from raw little-endian bytes of any dtype, e.g. a {@link SafetensorsReader#bytes} mapping copied
	 * verbatim. The buffer is read from its position to its limit.
	 */
	public static WritableTensor raw(String name, DType dtype, long[] shape, Supplier<ByteBuffer> bytes) {
		return new WritableTensor(name, dtype, shape, (out) -> writeFully(out, bytes.get().duplicate()));
	}

	public String name() {
		return name;
	}

	public DType dtype() {
		return dtype;
	}

	public long[] shape() {
		return shape.clone();
	}

	public long elementCount() {
		return Arrays.stream(shape).reduce(1, Math::multiplyExact);
	}

	/** Bytes this tensor takes in the file. */
	public long byteSize() {
		return Math.multiplyExact(elementCount(), dtype.bytes());
	}

	/** Writes the payload and checks that it had exactly {@link #byteSize()} bytes. */
	void writeTo(WritableByteChannel out) throws IOException {
		long written = payload.writeTo(out);
		if (written != byteSize()) {
			throw new SafetensorsException(
					"tensor " + this + " produced " + written + " bytes, its shape needs " + byteSize());
		}
	}

	@Override
	public String toString() {
		return name + " " + dtype + Arrays.toString(shape);
	}

	private static void checkCount(String name, long[] shape, long count) {
		long expected = Arrays.stream(shape).reduce(1, Math::multiplyExact);
		if (expected != count) {
			throw new IllegalArgumentException(
					name + ": shape " + Arrays.toString(shape) + " needs " + expected + " values, got " + count);
		}
	}

	private static long writeFully(WritableByteChannel out, ByteBuffer buffer) throws IOException {
		long total = buffer.remaining();
		while (buffer.hasRemaining()) {
			out.write(buffer);
		}
		return total;
	}

}

package dev.vlmr1.studio.model;

import java.nio.file.Path;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import dev.vlmr1.studio.model.safetensors.SafetensorsReader;
import dev.vlmr1.studio.model.safetensors.TensorInfo;

/** Reads reference tensors of the committed fixtures (src/test/resources/fixtures) for parity tests. */
public final class FixtureTensors implements AutoCloseable {

	public static final Path ROOT = Path.of("src/test/resources/fixtures");

	private final SafetensorsReader reader;

	private FixtureTensors(SafetensorsReader reader) {
		this.reader = reader;
	}

	/** Opens {@code src/test/resources/fixtures/<relative>}. */
	public static FixtureTensors open(String relative) {
		return new FixtureTensors(SafetensorsReader.open(ROOT.resolve(relative)));
	}

	public java.util.Set<String> names() {
		return reader.names();
	}

	public boolean contains(String name) {
		return reader.contains(name);
	}

	public long[] shape(String name) {
		return reader.info(name).shape();
	}

	public float[] floats(String name) {
		return reader.floats(name);
	}

	public long[] longs(String name) {
		return reader.longs(name);
	}

	/** (rows, cols) integer tensor as Java rows, e.g. {@code image_grid_thw} or {@code input_ids}. */
	public long[][] matrix(String name) {
		long[] shape = shape(name);
		long[] flat = longs(name);
		long[][] rows = new long[(int) shape[0]][(int) shape[1]];
		for (int r = 0; r < rows.length; r++) {
			System.arraycopy(flat, r * rows[r].length, rows[r], 0, rows[r].length);
		}
		return rows;
	}

	/** The tensor as an NDArray (float32 or int64, as stored). */
	public NDArray array(NDManager manager, String name) {
		TensorInfo info = reader.info(name);
		Shape shape = new Shape(info.shape());
		return switch (info.dtype()) {
			case I64, I32, I16, I8, U8, BOOL -> manager.create(longs(name), shape);
			default -> manager.create(floats(name), shape);
		};
	}

	/** Largest absolute difference between an array and a stored tensor of the same shape. */
	public static float maxAbsDiff(NDArray actual, float[] expected) {
		float[] values = actual.toType(DataType.FLOAT32, false).toFloatArray();
		if (values.length != expected.length) {
			throw new AssertionError("size " + values.length + " != " + expected.length);
		}
		float max = 0;
		for (int i = 0; i < values.length; i++) {
			float diff = Math.abs(values[i] - expected[i]);
			if (!(diff <= max)) {
				max = Float.isNaN(diff) ? Float.NaN : diff;
				if (Float.isNaN(diff)) {
					return Float.NaN;
				}
			}
		}
		return max;
	}

	@Override
	public void close() {
		reader.close();
	}

}

package dev.vlmr1.studio.model.safetensors;

import java.util.Arrays;

/**
 * One tensor's entry in a safetensors header.
 *
 * @param name tensor name, verbatim from the file
 * @param dtype element type
 * @param shape dimensions (empty for a scalar)
 * @param begin first byte, relative to the end of the header
 * @param end one past the last byte, relative to the end of the header
 */
public record TensorInfo(String name, DType dtype, long[] shape, long begin, long end) {

	public long elementCount() {
		return Arrays.stream(shape).reduce(1, Math::multiplyExact);
	}

	@Override
	public String toString() {
		return name + " " + dtype + Arrays.toString(shape);
	}

}

package dev.vlmr1.studio.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.vlmr1.studio.model.Weights;
import dev.vlmr1.studio.model.safetensors.SafetensorsReader;
import dev.vlmr1.studio.model.safetensors.TensorInfo;

import static org.assertj.core.api.Assertions.assertThat;

/** Reads the committed reference fixtures of the GRPO and SFT steps. */
final class TrainFixtures {

	static final Path TINY = Path.of("src/test/resources/fixtures/qwen2_5_vl_tiny");

	static final Path GRPO = TINY.resolve("grpo_step");

	static final Path SFT = TINY.resolve("sft_step");

	private TrainFixtures() {
	}

	/** Every float tensor of a safetensors file as NDArrays by stored name. */
	static Map<String, NDArray> floats(NDManager manager, Path file) {
		Map<String, NDArray> out = new LinkedHashMap<>();
		try (var reader = SafetensorsReader.open(file)) {
			for (TensorInfo info : reader.tensors()) {
				if (info.dtype().name().startsWith("F") || info.dtype().name().startsWith("BF")) {
					out.put(info.name(), manager.create(reader.floats(info.name()), new Shape(info.shape())));
				}
				else {
					out.put(info.name(), manager.create(reader.longs(info.name()), new Shape(info.shape())));
				}
			}
		}
		return out;
	}

	/** Every tensor of a checkpoint or parameter file as NDArrays keyed by released names ({@code visual.*}, {@code model.*}). */
	static Map<String, NDArray> released(NDManager manager, Path dirOrFile) {
		Map<String, NDArray> out = new LinkedHashMap<>();
		try (var weights = Weights.open(dirOrFile)) {
			for (String name : weights.names()) {
				out.put(name, weights.array(manager, name, weights.shape(name)));
			}
		}
		return out;
	}

	static JsonNode json(Path file) {
		try {
			return new ObjectMapper().readTree(file.toFile());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** Asserts |actual − expected| ≤ tolerance · max(1, |expected|) element-wise. */
	static void assertClose(NDArray actual, NDArray expected, double relative, String what) {
		assertThat(actual.getShape()).as(what + " shape").isEqualTo(expected.getShape());
		float[] a = actual.toFloatArray();
		float[] e = expected.toFloatArray();
		for (int i = 0; i < a.length; i++) {
			assertThat((double) a[i]).as(what + "[" + i + "]")
				.isCloseTo(e[i], org.assertj.core.data.Offset.offset(relative * Math.max(1, Math.abs(e[i]))));
		}
	}

	/** Largest |actual − expected| element-wise. */
	static double maxAbsDiff(NDArray actual, NDArray expected) {
		assertThat(actual.getShape()).isEqualTo(expected.getShape());
		return actual.sub(expected).abs().max().getFloat();
	}

}

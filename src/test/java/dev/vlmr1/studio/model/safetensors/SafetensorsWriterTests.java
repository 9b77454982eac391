package dev.vlmr1.studio.model.safetensors;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SafetensorsWriterTests {

	static final Path TINY = Path.of("src/test/resources/fixtures/qwen2_5_vl_tiny");

	@TempDir
	Path dir;

	@Test
	void roundTripsFloatsAndLongsExactly() {
		float[] weights = randomFloats(3 * 5, 1);
		long[] ids = { 1, -2, Long.MAX_VALUE, 553 };
		Path file = dir.resolve("a.safetensors");
		SafetensorsWriter.write(file, List.of(WritableTensor.f32("w", new long[] { 3, 5 }, weights),
				WritableTensor.i64("ids", new long[] { 2, 2 }, ids),
				WritableTensor.f32("scalar", new long[0], new float[] { 7f })));
		try (var reader = SafetensorsReader.open(file)) {
			assertThat(reader.floats("w")).containsExactly(weights);
			assertThat(reader.info("w").shape()).containsExactly(3, 5);
			assertThat(reader.longs("ids")).containsExactly(ids);
			assertThat(reader.info("scalar").shape()).isEmpty();
			assertThat(reader.floats("scalar")).containsExactly(7f);
			assertThat(reader.metadata()).containsExactlyEntriesOf(Map.of("format", "pt"));
		}
	}

	@Test
	void headerIsPaddedToEightBytesAndTensorsAreAligned() throws Exception {
		Path file = dir.resolve("b.safetensors");
		SafetensorsWriter.write(file, List.of(WritableTensor.floats("h", DType.F16, new long[] { 3 }, () -> new float[3]),
				WritableTensor.i64("x", new long[] { 1 }, new long[] { 9 }), WritableTensor.f32("f", new long[] { 1 }, new float[1])));
		ByteBuffer start = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
		long headerLength = start.getLong(0);
		assertThat(headerLength % 8).isZero();
		try (var reader = SafetensorsReader.open(file)) {
			// I64 first, then F32, then F16: each begins at a multiple of its element size
			assertThat(reader.names()).containsExactly("x", "f", "h");
			for (TensorInfo info : reader.tensors()) {
				assertThat(info.begin() % info.dtype().bytes()).isZero();
			}
		}
	}

	@Test
	void rewritingTheFixtureCheckpointGivesTheSameBytes() throws Exception {
		Path original = TINY.resolve("model.safetensors");
		Path copy = dir.resolve("model.safetensors");
		try (var reader = SafetensorsReader.open(original)) {
			List<WritableTensor> tensors = new ArrayList<>();
			for (TensorInfo info : reader.tensors()) {
				tensors.add(WritableTensor.raw(info.name(), info.dtype(), info.shape(), () -> reader.bytes(info.name())));
			}
			SafetensorsWriter.write(copy, tensors);
		}
		assertThat(Files.readAllBytes(copy)).isEqualTo(Files.readAllBytes(original));
	}

	@Test
	void halfPrecisionRoundsToNearestEven() {
		float[] values = { 0f, -0f, 1f, 1.0009765625f /* 1 + 2^-10 */, 1.00048828125f /* tie: stays 1 */,
				1.00146484375f /* tie: rounds up to even */, 65504f, 1e6f, 5.960464477539063e-8f /* smallest subnormal */,
				2e-8f /* below half of it: 0 */, Float.NEGATIVE_INFINITY, 3.1415927f };
		Path file = dir.resolve("c.safetensors");
		long[] shape = { values.length };
		SafetensorsWriter.write(file, List.of(WritableTensor.floats("h", DType.F16, shape, () -> values),
				WritableTensor.floats("b", DType.BF16, shape, () -> values)));
		try (var reader = SafetensorsReader.open(file)) {
			float[] half = reader.floats("h");
			assertThat(half).containsExactly(0f, -0f, 1f, 1.0009765625f, 1f, 1.001953125f, 65504f,
					Float.POSITIVE_INFINITY, 5.960464477539063e-8f, 0f, Float.NEGATIVE_INFINITY, 3.140625f);
			float[] bf16 = reader.floats("b");
			for (int i = 0; i < values.length; i++) {
				if (Float.isInfinite(values[i])) {
					assertThat(bf16[i]).isEqualTo(values[i]);
					continue;
				}
				// bf16 keeps 8 significant bits: relative error at most 2^-9
				assertThat((double) Math.abs(bf16[i] - values[i])).isLessThanOrEqualTo(Math.abs(values[i]) / 512.0);
			}
			assertThat(bf16[11]).isEqualTo(3.140625f);
		}
	}

	@Test
	void shardsOverTheLimitWithAnIndex() throws Exception {
		List<WritableTensor> tensors = new ArrayList<>();
		for (int i = 0; i < 5; i++) {
			tensors.add(WritableTensor.f32("layer." + i + ".weight", new long[] { 10, 10 }, randomFloats(100, i)));
		}
		tensors.add(WritableTensor.f32("big", new long[] { 1000 }, randomFloats(1000, 9)));
		List<Path> files = SafetensorsWriter.writeCheckpoint(dir, tensors, 1000);
		// 400 bytes each: two per 1000-byte shard, then the 4000-byte tensor alone
		assertThat(files).extracting((p) -> p.getFileName().toString())
			.containsExactly("model-00001-of-00004.safetensors", "model-00002-of-00004.safetensors",
					"model-00003-of-00004.safetensors", "model-00004-of-00004.safetensors", SafetensorsWriter.INDEX_FILE);
		JsonNode index = new ObjectMapper().readTree(dir.resolve(SafetensorsWriter.INDEX_FILE).toFile());
		assertThat(index.path("metadata").path("total_size").asLong()).isEqualTo(5 * 400 + 4000);
		assertThat(index.path("weight_map").path("big").asText()).isEqualTo("model-00004-of-00004.safetensors");
		assertThat(index.path("weight_map").size()).isEqualTo(6);
		for (WritableTensor expected : tensors) {
			String shard = index.path("weight_map").path(expected.name()).asText();
			try (var reader = SafetensorsReader.open(dir.resolve(shard))) {
				int seed = expected.name().equals("big") ? 9 : Integer.parseInt(expected.name().split("\\.")[1]);
				assertThat(reader.floats(expected.name())).containsExactly(randomFloats((int) expected.elementCount(), seed));
			}
		}
	}

	@Test
	void smallCheckpointIsOneFileWithoutIndex() {
		List<Path> files = SafetensorsWriter.writeCheckpoint(dir,
				List.of(WritableTensor.f32("a", new long[] { 2 }, new float[] { 1, 2 })), 1L << 30);
		assertThat(files).containsExactly(dir.resolve(SafetensorsWriter.SINGLE_FILE));
		assertThat(dir.resolve(SafetensorsWriter.INDEX_FILE)).doesNotExist();
	}

	@Test
	void rejectsBadInputsWithoutLeavingAFile() {
		assertThatThrownBy(() -> WritableTensor.f32("w", new long[] { 2, 3 }, new float[5]))
			.isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("needs 6 values, got 5");
		assertThatThrownBy(() -> WritableTensor.floats("w", DType.I64, new long[] { 1 }, () -> new float[1]))
			.isInstanceOf(IllegalArgumentException.class);
		var twice = WritableTensor.f32("w", new long[] { 1 }, new float[1]);
		assertThatThrownBy(() -> SafetensorsWriter.write(dir.resolve("d.safetensors"), List.of(twice, twice)))
			.hasMessageContaining("appears twice");
		Path file = dir.resolve("e.safetensors");
		var lying = WritableTensor.floats("w", DType.F32, new long[] { 4 }, () -> new float[3]);
		assertThatThrownBy(() -> SafetensorsWriter.write(file, List.of(lying))).hasMessageContaining("needs 4 values");
		assertThat(file).doesNotExist();
		assertThat(dir.resolve("e.safetensors.tmp")).doesNotExist();
	}

	static float[] randomFloats(int n, long seed) {
		var random = new Random(seed);
		float[] out = new float[n];
		for (int i = 0; i < n; i++) {
			out[i] = (float) random.nextGaussian();
		}
		return out;
	}

}

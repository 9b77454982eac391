package dev.vlmr1.studio.model.safetensors;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SafetensorsReaderTests {

	static final Path TINY = Path.of("src/test/resources/fixtures/qwen2_5_vl_tiny");

	@Test
	void bf16WeightsWidenToTheSameFloatsAsTheF32File() {
		try (var f32 = SafetensorsReader.open(TINY.resolve("model.safetensors"));
				var bf16 = SafetensorsReader.open(TINY.resolve("model.bf16.safetensors"))) {
			String name = "model.embed_tokens.weight";
			float[] exact = f32.floats(name);
			float[] widened = bf16.floats(name);
			assertThat(widened).hasSameSizeAs(exact);
			for (int i = 0; i < exact.length; i++) {
				// bf16 keeps 8 bits of mantissa: relative error below 2^-8
				assertThat(widened[i]).isCloseTo(exact[i], org.assertj.core.data.Offset.offset(Math.abs(exact[i]) / 128 + 1e-30f));
			}
		}
	}

	@Test
	void readsIntegerTensors() {
		try (var reader = SafetensorsReader.open(TINY.resolve("case_single.safetensors"))) {
			assertThat(reader.info("input_ids").dtype()).isEqualTo(DType.I64);
			assertThat(reader.longs("image_grid_thw")).hasSize(3);
		}
	}

}

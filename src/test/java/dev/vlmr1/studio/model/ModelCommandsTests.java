package dev.vlmr1.studio.model;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.vlmr1.studio.model.tokenizer.QwenTokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The {@code forward} and {@code infer} command-line tools on the fixture checkpoint. */
class ModelCommandsTests {

	static final Path MODEL = FixtureTensors.ROOT.resolve("qwen2_5_vl_tiny");

	static final String QUESTION = "Please provide the bounding box coordinate of the region this sentence describes: "
			+ "the small red square on the left. Output the thinking process in <think> </think> and final answer in "
			+ "<answer> </answer> tags.";

	@Test
	void forwardWritesEveryIntermediateOfTransformers(@TempDir Path dir) {
		Path out = dir.resolve("out.safetensors");
		int code = ModelCommands.forward(new String[] { "--model", MODEL.toString(), "--inputs",
				MODEL.resolve("case_multi.safetensors").toString(), "--out", out.toString() });
		assertThat(code).isZero();
		try (var expected = FixtureTensors.open("qwen2_5_vl_tiny/case_multi.safetensors");
				var actual = new FixtureReader(out)) {
			assertThat(actual.reader.longs("position_ids")).containsExactly(expected.longs("position_ids"));
			assertThat(actual.reader.longs("rope_deltas")).containsExactly(expected.longs("rope_deltas"));
			for (String name : new String[] { "logits", "image_embeds", "hidden_states.0", "hidden_states.1",
					"hidden_states.2" }) {
				assertThat(actual.reader.info(name).shape()).containsExactly(expected.shape(name));
				float[] a = actual.reader.floats(name);
				float[] e = expected.floats(name);
				float max = 0;
				for (int i = 0; i < a.length; i++) {
					max = Math.max(max, Math.abs(a[i] - e[i]));
				}
				assertThat(max).as(name).isLessThanOrEqualTo(1e-4f);
			}
		}
	}

	@Test
	void inferPrintsTheGreedyAnswer() {
		var printed = new ByteArrayOutputStream();
		int code = ModelCommands.infer(new String[] { "--model", MODEL.toString(), "--image",
				FixtureTensors.ROOT.resolve("images/a_84x56.png").toString(), "--prompt", QUESTION,
				"--max-new-tokens", "12" }, new PrintStream(printed, true, StandardCharsets.UTF_8));
		assertThat(code).isZero();
		try (var generate = FixtureTensors.open("qwen2_5_vl_tiny/generate.safetensors");
				QwenTokenizer tokenizer = QwenTokenizer.load(MODEL)) {
			long[] output = generate.longs("single.output_ids");
			long[] expected = Arrays.copyOfRange(output, output.length - 12, output.length);
			assertThat(printed.toString(StandardCharsets.UTF_8).strip())
				.isEqualTo(tokenizer.decode(expected, true).strip());
		}
	}

	@Test
	void badArgumentsAreReportedNotThrownFromNativeCode() {
		assertThatThrownBy(() -> ModelCommands.forward(new String[] { "--model", MODEL.toString() }))
			.isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("--out");
		assertThatThrownBy(() -> ModelCommands.forward(new String[] { "--model", "/nonexistent", "--inputs", "x",
				"--out", "y" }))
			.isInstanceOf(IllegalArgumentException.class);
		assertThatThrownBy(() -> ModelCommands.infer(new String[] { "--bogus", "1" }))
			.isInstanceOf(IllegalArgumentException.class);
	}

	/** The command's output, read back. */
	static final class FixtureReader implements AutoCloseable {

		final dev.vlmr1.studio.model.safetensors.SafetensorsReader reader;

		FixtureReader(Path file) {
			reader = dev.vlmr1.studio.model.safetensors.SafetensorsReader.open(file);
		}

		@Override
		public void close() {
			reader.close();
		}

	}

}

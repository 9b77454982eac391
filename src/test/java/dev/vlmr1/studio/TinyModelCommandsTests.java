package dev.vlmr1.studio;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.vlmr1.studio.model.QwenVlConfig;
import dev.vlmr1.studio.model.Weights;
import dev.vlmr1.studio.synth.SyntheticDataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The {@code synth} and {@code create-tiny-model} commands, through {@link Cli} as the jar runs them. */
class TinyModelCommandsTests {

	private static final ObjectMapper JSON = new ObjectMapper();

	@Test
	void synthWritesTrainAndInAndOutOfDomainTestSplitsPerTask(@TempDir Path dir) throws Exception {
		var out = new ByteArrayOutputStream();
		int code = TinyModelCommands.synth(
				new String[] { "--out", dir.toString(), "--seed", "3", "--train", "12", "--test", "5" },
				new PrintStream(out, true, StandardCharsets.UTF_8));
		assertThat(code).isZero();
		for (String task : List.of("rec", "ovd", "counting")) {
			assertThat(lines(dir.resolve(task + "_train.jsonl"))).hasSize(12);
			assertThat(lines(dir.resolve(task + "_test_id.jsonl"))).hasSize(5);
			assertThat(lines(dir.resolve(task + "_test_ood.jsonl"))).hasSize(5);
		}
		for (String line : lines(dir.resolve("rec_test_ood.jsonl"))) {
			JsonNode row = JSON.readTree(line);
			assertThat(dir.resolve(row.get("image").asText())).isRegularFile();
			assertThat(row.get("conversations").get(0).get("value").asText()).startsWith("<image>");
		}
		for (String line : lines(dir.resolve("rec_train.jsonl"))) {
			String question = JSON.readTree(line).get("conversations").get(0).get("value").asText();
			SyntheticDataset.HELD_OUT.forEach((combo) -> assertThat(question).doesNotContain(combo));
		}
		try (Stream<Path> images = Files.list(dir.resolve("images"))) {
			assertThat(images.count()).isEqualTo(3 * (12 + 5 + 5));
		}
		assertThat(out.toString(StandardCharsets.UTF_8)).contains("rec_train.jsonl (12 samples)");
	}

	@Test
	void synthTestSplitsDoNotDependOnTheTrainCount(@TempDir Path a, @TempDir Path b) throws Exception {
		var sink = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
		TinyModelCommands.synth(new String[] { "--out", a.toString(), "--seed", "1", "--train", "3", "--test", "4" },
				sink);
		TinyModelCommands.synth(new String[] { "--out", b.toString(), "--seed", "1", "--train", "6", "--test", "4" },
				sink);
		assertThat(lines(a.resolve("ovd_test_ood.jsonl"))).isEqualTo(lines(b.resolve("ovd_test_ood.jsonl")));
		String[] shorter = lines(a.resolve("ovd_train.jsonl")).toArray(String[]::new);
		assertThat(lines(b.resolve("ovd_train.jsonl"))).startsWith(shorter);
	}

	@Test
	void createTinyModelFromAJsonlCorpusWritesALoadableCheckpoint(@TempDir Path dir) throws Exception {
		var sink = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
		TinyModelCommands.synth(new String[] { "--out", dir.toString(), "--train", "30", "--test", "0" }, sink);
		Path model = dir.resolve("model");
		var out = new ByteArrayOutputStream();
		int code = Cli.run(new String[] { "create-tiny-model", "--out", model.toString(), "--seed", "5", "--vocab-size",
				"400", "--corpus", dir.resolve("rec_train.jsonl").toString(), "--corpus",
				dir.resolve("ovd_train.jsonl").toString() });
		assertThat(code).isZero();
		QwenVlConfig config = QwenVlConfig.load(model);
		assertThat(config.text().vocabSize()).isLessThanOrEqualTo(400);
		try (Weights weights = Weights.open(model)) {
			assertThat(weights.shape("model.embed_tokens.weight")).containsExactly(config.text().vocabSize(), 128);
			assertThat(weights.contains("lm_head.weight")).isFalse();
		}
	}

	@Test
	void badArgumentsAreUsageErrors(@TempDir Path dir) {
		var sink = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
		assertThatThrownBy(() -> TinyModelCommands.createTinyModel(new String[] { "--seed", "1" }, sink))
			.isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("--out");
		assertThatThrownBy(() -> TinyModelCommands.createTinyModel(
				new String[] { "--out", dir.resolve("m").toString(), "--seed", "x" }, sink))
			.hasMessageContaining("--seed");
		assertThatThrownBy(() -> TinyModelCommands.createTinyModel(
				new String[] { "--out", dir.resolve("m").toString(), "--vocab-size", "100" }, sink))
			.hasMessageContaining("--vocab-size");
		assertThatThrownBy(() -> TinyModelCommands.synth(new String[] { "--out", dir.toString(), "--train" }, sink))
			.isInstanceOf(IllegalArgumentException.class);
		assertThatThrownBy(
				() -> TinyModelCommands.synth(new String[] { "--out", dir.toString(), "--test", "-1" }, sink))
			.hasMessageContaining("--test");
		assertThatThrownBy(() -> TinyModelCommands.synth(new String[] { "--bogus", "1" }, sink))
			.hasMessageContaining("--bogus");
		assertThat(Cli.run(new String[] { "synth", "--out" })).isEqualTo(2);
	}

	private static List<String> lines(Path file) throws Exception {
		return Files.readAllLines(file).stream().filter((l) -> !l.isBlank()).toList();
	}

}

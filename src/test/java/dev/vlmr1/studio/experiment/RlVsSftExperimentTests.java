package dev.vlmr1.studio.experiment;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The experiment command end to end at a toy scale: every stage really runs (data, tiny model, warm-up, both arms,
 * evaluation) and the table has one row per model with metrics in range; the standard plan is sized for minutes.
 */
class RlVsSftExperimentTests {

	@Test
	void runsEveryStageAndWritesTheTableWithTheCommandThatReproducesIt(@TempDir Path dir) throws Exception {
		var bytes = new ByteArrayOutputStream();
		int exit = ExperimentCommand.run(new String[] { "rl-vs-sft", "--out", dir.toString(), "--seed", "3",
				"--pretrain-samples", "24", "--train-samples", "8", "--test-samples", "4", "--base-steps", "4",
				"--prompts-per-step", "2", "--arm-steps", "2", "--generations", "2", "--max-completion-length", "24" },
				new PrintStream(bytes, true, StandardCharsets.UTF_8));

		assertThat(exit).isZero();
		String report = Files.readString(dir.resolve("results.md"));
		assertThat(report).contains("| base (SFT warm-up) |", "| SFT |", "| GRPO |")
			.contains("experiment rl-vs-sft --out " + dir + " --seed 3")
			.contains("see 4 training prompts");
		String printed = bytes.toString(StandardCharsets.UTF_8);
		assertThat(printed).contains(report).contains("grpo 2/2");
		assertThat(dir.resolve("base")).isDirectory();
		assertThat(dir.resolve("sft")).isDirectory();
		assertThat(dir.resolve("grpo")).isDirectory();
		assertThat(report.lines().filter((line) -> line.startsWith("| ") && line.contains(" %")))
			.hasSize(3)
			.allSatisfy((row) -> assertThat(row).matches("\\| .+ \\| \\d+\\.\\d % \\| [01]\\.\\d{3} \\| \\d+\\.\\d % \\| [01]\\.\\d{3} \\| .+ \\|"));
	}

	@Test
	void badOptionsAreRefusedBeforeAnythingRuns(@TempDir Path dir) {
		assertThatThrownBy(() -> ExperimentCommand.run(new String[] { "rl-vs-rl" }, System.out))
			.hasMessageContaining("usage: experiment rl-vs-sft");
		assertThatThrownBy(() -> ExperimentCommand.run(new String[] { "rl-vs-sft", "--out", dir.toString(), "--arm-steps",
				"0" }, System.out)).hasMessageContaining("must be positive");
		assertThatThrownBy(() -> ExperimentCommand.run(new String[] { "rl-vs-sft", "--out", dir.toString(), "--beta",
				"lots" }, System.out)).hasMessageContaining("--beta must be a number");
		assertThatThrownBy(() -> ExperimentCommand.run(new String[] { "rl-vs-sft", "--arm-steps", "3" }, System.out))
			.hasMessageContaining("--out is required");
		assertThat(dir).isEmptyDirectory();
	}

}

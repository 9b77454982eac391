package dev.vlmr1.studio.experiment;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.vlmr1.studio.synth.TinyQwenVl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The experiment end to end at a toy scale: every stage really runs (data, tiny model, warm-up, both arms,
 * evaluation) and the table has one row per model with metrics in range; the real plan is sized for minutes.
 */
class RlVsSftExperimentTests {

	/** A few steps of everything: what the standard plan does, in seconds. */
	static ExperimentPlan toy() {
		return new ExperimentPlan(3, 24, 8, 4, TinyQwenVl.DEFAULT, 512, 4, 2e-3, 2, 2, 1e-3, 1e-4, 2, 0.04, 24);
	}

	@Test
	void runsEveryStageAndReportsOneRowPerModel(@TempDir Path dir) {
		List<String> log = new ArrayList<>();
		ExperimentResult result = new RlVsSftExperiment(toy(), dir, log::add).run();

		assertThat(result.rows()).extracting(ExperimentResult.Row::model)
			.containsExactly("base (SFT warm-up)", "SFT", "GRPO");
		for (ExperimentResult.Row row : result.rows()) {
			assertThat(row.inDomainAccuracy()).isBetween(0.0, 1.0);
			assertThat(row.outOfDomainMeanIou()).isBetween(0.0, 1.0);
		}
		assertThat(result.rows().get(2).trainSeconds()).isPositive();
		assertThat(dir.resolve("base")).isDirectory();
		assertThat(dir.resolve("sft")).isDirectory();
		assertThat(dir.resolve("grpo")).isDirectory();
		assertThat(log).anyMatch((line) -> line.startsWith("grpo 2/2"));
	}

	@Test
	void theCommandWritesTheTableAndTheCommandThatReproducesIt(@TempDir Path dir) throws Exception {
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
		assertThat(bytes.toString(StandardCharsets.UTF_8)).contains(report);
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

package dev.vlmr1.studio.experiment;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import dev.vlmr1.studio.train.CliOptions;

/**
 * {@code experiment rl-vs-sft --out DIR [--seed N …]}: runs {@link RlVsSftExperiment} in this process and writes
 * {@code results.md} (the table, the plan and the command) into {@code --out}.
 */
public final class ExperimentCommand {

	private static final List<String> OPTIONS = List.of("--out", "--seed", "--pretrain-samples", "--train-samples",
			"--test-samples", "--base-steps", "--base-lr", "--prompts-per-step", "--arm-steps", "--sft-lr", "--grpo-lr",
			"--generations", "--beta", "--max-completion-length");

	private ExperimentCommand() {
	}

	public static int run(String[] args, PrintStream out) {
		if (args.length == 0 || !args[0].equals("rl-vs-sft")) {
			throw new IllegalArgumentException("usage: experiment rl-vs-sft --out DIR [options]; options: "
					+ String.join(" ", OPTIONS));
		}
		var o = new CliOptions(java.util.Arrays.copyOfRange(args, 1, args.length), Set.copyOf(OPTIONS));
		ExperimentPlan d = ExperimentPlan.standard();
		var plan = new ExperimentPlan(o.integer("--seed", (int) d.seed()),
				o.integer("--pretrain-samples", d.pretrainSamples()), o.integer("--train-samples", d.trainSamples()),
				o.integer("--test-samples", d.testSamples()), d.shape(), d.vocabSize(), o.integer("--base-steps", d.baseSteps()),
				o.number("--base-lr", d.baseLearningRate()), o.integer("--prompts-per-step", d.promptsPerStep()),
				o.integer("--arm-steps", d.armSteps()), o.number("--sft-lr", d.sftLearningRate()),
				o.number("--grpo-lr", d.grpoLearningRate()), o.integer("--generations", d.generations()),
				o.number("--beta", d.beta()), o.integer("--max-completion-length", d.maxCompletionLength()));
		Path dir = o.path("--out");
		try {
			Files.createDirectories(dir);
		}
		catch (java.io.IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
		ExperimentResult result = new RlVsSftExperiment(plan, dir, out::println).run();
		String report = ExperimentReport.markdown(result, "java -jar target/vlm-r1-studio-0.1.0-SNAPSHOT.jar experiment "
				+ String.join(" ", args));
		try {
			Files.writeString(dir.resolve("results.md"), report);
		}
		catch (java.io.IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
		out.println(report);
		return 0;
	}

}

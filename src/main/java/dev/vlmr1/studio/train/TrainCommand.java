package dev.vlmr1.studio.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;

import dev.vlmr1.studio.model.image.ImageProcessor;
import dev.vlmr1.studio.model.lora.LoraConfig;
import dev.vlmr1.studio.model.lora.LoraTargets;
import dev.vlmr1.studio.model.lora.PeftAdapterFiles;
import dev.vlmr1.studio.model.tokenizer.QwenTokenizer;

/**
 * {@code train grpo|sft --model DIR --data a.jsonl --images DIR [--rewards cfg.json] --out DIR [hyperparameters]}:
 * trains from the command line, printing one line of metrics per step with progress, and writes checkpoints into
 * {@code --out} (resuming from the latest committed one there).
 */
public final class TrainCommand {

	private static final List<String> GRPO_OPTIONS = List.of("--model", "--data", "--images", "--rewards", "--out",
			"--lr", "--max-steps", "--epochs", "--num-generations", "--batch-size", "--grad-accum",
			"--max-completion-length", "--temperature", "--beta", "--epsilon", "--epsilon-high", "--loss-type",
			"--scale-rewards", "--num-iterations", "--lr-scheduler", "--warmup-ratio", "--weight-decay",
			"--max-grad-norm", "--seed", "--save-steps", "--freeze-vision", "--mask-truncated-completions",
			"--skip-zero-variance-groups", "--template", "--lora-r", "--lora-alpha", "--lora-dropout",
			"--lora-target-modules", "--gradient-checkpointing");

	private TrainCommand() {
	}

	/** @param rewards builds the reward scorer from the reward configuration's JSON */
	public static int run(String[] args, Function<String, RewardScorer> rewards) {
		if (args.length == 0 || !(args[0].equals("grpo") || args[0].equals("sft"))) {
			throw new IllegalArgumentException("usage: train grpo|sft --model DIR --data a.jsonl --images DIR "
					+ "[--rewards cfg.json] --out DIR [options]; options: " + String.join(" ", GRPO_OPTIONS));
		}
		var o = new CliOptions(Arrays.copyOfRange(args, 1, args.length), java.util.Set.copyOf(GRPO_OPTIONS));
		Path model = o.path("--model");
		Path out = o.path("--out");
		List<TrainingSample> samples = JsonlTrainingData.read(o.path("--data"), o.path("--images"));
		MetricSink printer = (m) -> System.out.println(progress(m));
		try (QwenTokenizer tokenizer = QwenTokenizer.load(model); Policy policy = Policy.load(resumeDir(out, model))) {
			ImageProcessor images = ImageProcessor.fromCheckpoint(model);
			var latest = TrainerCheckpoint.latest(out);
			if (args[0].equals("sft")) {
				SftConfig defaults = SftConfig.defaults();
				SftConfig config = new SftConfig(o.number("--lr", defaults.learningRate()),
						LrSchedule.Type.parse(o.string("--lr-scheduler", "linear")), 0, o.number("--warmup-ratio", 0),
						o.number("--weight-decay", 0), o.number("--max-grad-norm", 1.0), o.integer("--batch-size", 1),
						o.integer("--grad-accum", 1), o.integer("--epochs", 1), o.integer("--max-steps", 0),
						o.flag("--freeze-vision", false), o.integer("--seed", 42), o.integer("--save-steps", 0),
						o.string("--template", "{question}"), lora(o), o.flag("--gradient-checkpointing", false));
				try (var trainer = new SftTrainer(new SftTrainer.Setup(policy, tokenizer, images, samples, printer, model, out),
						config)) {
					latest.ifPresent(trainer::resumeFrom);
					trainer.train();
				}
				return 0;
			}
			GrpoConfig config = grpoConfig(o);
			RewardScorer scorer = rewards.apply(read(o.path("--rewards")));
			try (Policy reference = config.beta() > 0 && config.lora() == null ? Policy.load(model) : null;
					var trainer = new GrpoTrainer(new GrpoTrainer.Setup(policy, reference, tokenizer, images, scorer,
							samples, printer, model, out), config)) {
				latest.ifPresent(trainer::resumeFrom);
				trainer.train();
			}
			return 0;
		}
	}

	static GrpoConfig grpoConfig(CliOptions o) {
		GrpoConfig d = GrpoConfig.defaults();
		int g = o.integer("--num-generations", d.numGenerations());
		double epsilon = o.number("--epsilon", d.epsilon());
		return d.toBuilder()
			.learningRate(o.number("--lr", d.learningRate()))
			.maxSteps(o.integer("--max-steps", d.maxSteps()))
			.numTrainEpochs(o.integer("--epochs", d.numTrainEpochs()))
			.numGenerations(g)
			.perDeviceTrainBatchSize(o.integer("--batch-size", g))
			.gradientAccumulationSteps(o.integer("--grad-accum", 1))
			.maxCompletionLength(o.integer("--max-completion-length", d.maxCompletionLength()))
			.temperature(o.number("--temperature", d.temperature()))
			.beta(o.number("--beta", d.beta()))
			.epsilon(epsilon)
			.epsilonHigh(o.number("--epsilon-high", epsilon))
			.lossType(LossType.parse(o.string("--loss-type", d.lossType().id())))
			.scaleRewards(ScaleRewards.parse(o.string("--scale-rewards", "group")))
			.numIterations(o.integer("--num-iterations", 1))
			.lrSchedulerType(LrSchedule.Type.parse(o.string("--lr-scheduler", "linear")))
			.warmupRatio(o.number("--warmup-ratio", 0))
			.weightDecay(o.number("--weight-decay", d.weightDecay()))
			.maxGradNorm(o.number("--max-grad-norm", d.maxGradNorm()))
			.seed(o.integer("--seed", 42))
			.saveSteps(o.integer("--save-steps", 0))
			.freezeVision(o.flag("--freeze-vision", false))
			.maskTruncatedCompletions(o.flag("--mask-truncated-completions", false))
			.skipZeroVarianceGroups(o.flag("--skip-zero-variance-groups", false))
			.promptTemplate(o.string("--template", d.promptTemplate()))
			.lora(lora(o))
			.gradientCheckpointing(o.flag("--gradient-checkpointing", false))
			.build();
	}

	/**
	 * {@code --lora-r R} (0 or absent: full fine-tuning), {@code --lora-alpha} (default 2·r), {@code --lora-dropout}
	 * (default 0.05), {@code --lora-target-modules} (a {@link LoraTargets#PRESETS preset}, default decoder).
	 */
	static @Nullable LoraConfig lora(CliOptions o) {
		int r = o.integer("--lora-r", 0);
		if (r < 0) {
			throw new IllegalArgumentException("--lora-r must be ≥ 0 (0 = full fine-tuning), not " + r);
		}
		if (r == 0) {
			for (String option : List.of("--lora-alpha", "--lora-dropout", "--lora-target-modules")) {
				if (o.has(option)) {
					throw new IllegalArgumentException(option + " needs --lora-r > 0");
				}
			}
			return null;
		}
		return new LoraConfig(r, o.number("--lora-alpha", 2.0 * r), o.number("--lora-dropout", 0.05),
				LoraTargets.preset(o.string("--lora-target-modules", "decoder")));
	}

	/**
	 * Weights come from the latest committed checkpoint in {@code out} when there is one, else the base model; a
	 * LoRA checkpoint holds only the adapter, which the trainer's resume copies onto the base.
	 */
	private static Path resumeDir(Path out, Path model) {
		return TrainerCheckpoint.latest(out).filter((dir) -> !PeftAdapterFiles.isAdapter(dir)).orElse(model);
	}

	static String progress(StepMetrics m) {
		StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "[%d/%d %3.0f%%]", m.step(), m.totalSteps(),
				100.0 * m.step() / m.totalSteps()));
		m.values().forEach((name, value) -> line.append(String.format(Locale.ROOT, " %s=%.4g", name, value)));
		return line.toString();
	}

	private static String read(Path file) {
		try {
			return Files.readString(file);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot read " + file, ex);
		}
	}

}

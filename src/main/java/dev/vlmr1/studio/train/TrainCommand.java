package dev.vlmr1.studio.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

import dev.vlmr1.studio.model.image.ImageProcessor;
import dev.vlmr1.studio.model.lora.PeftAdapterFiles;
import dev.vlmr1.studio.model.tokenizer.QwenTokenizer;

/**
 * {@code train grpo|sft --model DIR --data a.jsonl --images DIR [--rewards cfg.json] --out DIR [settings]}:
 * trains from the command line, one option per {@link TrainingSpec} setting ({@code --num-generations 4}), printing one line of metrics per step with progress, and writes checkpoints into
 * {@code --out} (resuming from the latest committed one there).
 */
public final class TrainCommand {

	/** Options that are not training settings. */
	private static final List<String> INPUTS = List.of("--model", "--data", "--images", "--rewards", "--out",
			"--template");

	/** The short names the command had before its options were derived from {@link TrainingSpec}. */
	static final Map<String, String> ALIASES = Map.of("--lr", "learning_rate", "--epochs", "num_train_epochs",
			"--batch-size", "per_device_train_batch_size", "--grad-accum", "gradient_accumulation_steps",
			"--lr-scheduler", "lr_scheduler_type");

	private TrainCommand() {
	}

	/** Every option: the inputs, then one per training setting ({@code --num-generations}), then the aliases. */
	static Set<String> options() {
		Set<String> all = new LinkedHashSet<>(INPUTS);
		TrainingSpec.SETTINGS.forEach(s -> all.add(s.option()));
		all.addAll(new TreeSet<>(ALIASES.keySet()));
		return all;
	}

	/** @param rewards builds the reward scorer from the reward configuration's JSON */
	public static int run(String[] args, Function<String, RewardScorer> rewards) {
		if (args.length == 0 || !(args[0].equals("grpo") || args[0].equals("sft"))) {
			throw new IllegalArgumentException("usage: train grpo|sft --model DIR --data a.jsonl --images DIR "
					+ "[--rewards cfg.json] --out DIR [options]; options: " + String.join(" ", options()));
		}
		RunKind kind = args[0].equals("sft") ? RunKind.SFT : RunKind.GRPO;
		var o = new CliOptions(Arrays.copyOfRange(args, 1, args.length), options());
		Map<String, Object> settings = settings(kind, o);
		Path model = o.path("--model");
		Path out = o.path("--out");
		List<TrainingSample> samples = JsonlTrainingData.read(o.path("--data"), o.path("--images"));
		MetricSink printer = everyLoggingStep(TrainingSpec.loggingSteps(settings),
				(m) -> System.out.println(progress(m)));
		try (QwenTokenizer tokenizer = QwenTokenizer.load(model);
				Policy policy = Policy.load(resumeDir(out, model), TrainingSpec.torchDtype(settings))) {
			ImageProcessor images = TrainingSpec.images(model, settings);
			var latest = TrainerCheckpoint.latest(out);
			if (kind == RunKind.SFT) {
				SftConfig config = TrainingSpec.sft(settings, o.string("--template", "{question}"));
				try (var trainer = new SftTrainer(new SftTrainer.Setup(policy, tokenizer, images, samples, printer, model, out),
						config)) {
					latest.ifPresent(trainer::resumeFrom);
					trainer.train();
				}
				return 0;
			}
			GrpoConfig config = TrainingSpec.grpo(settings, o.string("--template", GrpoConfig.DEFAULT_TEMPLATE));
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

	/**
	 * The training settings the options name, validated as the API validates a run's: every problem is reported
	 * at once, each under its option's name. Unlike a run's, the command's batch is one prompt per step (the
	 * micro-batch one group of G, or one SFT sample, and no accumulation), and SFT starts at lr 1e-5 for 1 epoch.
	 */
	static Map<String, Object> settings(RunKind kind, CliOptions o) {
		Map<String, Object> given = new LinkedHashMap<>();
		Map<String, String> optionOf = new LinkedHashMap<>();
		for (Setting setting : TrainingSpec.SETTINGS) {
			optionOf.put(setting.name(), setting.option());
			if (o.has(setting.option())) {
				given.put(setting.name(), setting.parse(o.string(setting.option(), "")));
			}
		}
		ALIASES.forEach((alias, name) -> {
			if (o.has(alias)) {
				optionOf.put(name, alias);
				given.put(name, TrainingSpec.named(name).parse(o.string(alias, "")));
			}
		});
		boolean grpo = kind == RunKind.GRPO;
		Object g = given.getOrDefault("num_generations", TrainingSpec.named("num_generations").defaultValue());
		given.putIfAbsent("per_device_train_batch_size", grpo ? g : 1);
		given.putIfAbsent("gradient_accumulation_steps", 1);
		if (!grpo) {
			given.putIfAbsent("learning_rate", 1e-5);
			given.putIfAbsent("num_train_epochs", 1);
		}
		TrainingSpec.Validated result = TrainingSpec.validate(kind, given);
		if (!result.ok()) {
			throw new IllegalArgumentException(String.join("; ", result.problems().stream()
				.map(p -> optionOf.getOrDefault(p.setting(), p.setting()) + ": " + p.message().replace("lora_r > 0",
						"--lora-r > 0"))
				.toList()));
		}
		return result.values();
	}

	/** Passes on the metrics of every {@code every}-th step and of the last one. */
	static MetricSink everyLoggingStep(int every, MetricSink sink) {
		return new MetricSink() {
			@Override
			public void onStep(StepMetrics m) {
				if (m.loggedEvery(every)) {
					sink.onStep(m);
				}
			}

			@Override
			public void onRollouts(List<RolloutRecord> rollouts) {
				sink.onRollouts(rollouts);
			}
		};
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

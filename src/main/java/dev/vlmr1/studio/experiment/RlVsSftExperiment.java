package dev.vlmr1.studio.experiment;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import dev.vlmr1.studio.synth.TinyModelCreator;
import dev.vlmr1.studio.eval.RecReport;
import dev.vlmr1.studio.reward.RewardScorers;
import dev.vlmr1.studio.model.image.ImageProcessor;
import dev.vlmr1.studio.model.tokenizer.QwenTokenizer;
import dev.vlmr1.studio.reward.RewardConfiguration;
import dev.vlmr1.studio.reward.RewardPresets;
import dev.vlmr1.studio.synth.SyntheticDatasetWriter;
import dev.vlmr1.studio.train.GrpoConfig;
import dev.vlmr1.studio.train.GrpoTrainer;
import dev.vlmr1.studio.train.JsonlTrainingData;
import dev.vlmr1.studio.train.LrSchedule;
import dev.vlmr1.studio.train.MetricSink;
import dev.vlmr1.studio.train.Policy;
import dev.vlmr1.studio.train.SftConfig;
import dev.vlmr1.studio.train.SftTargets;
import dev.vlmr1.studio.train.SftTrainer;
import dev.vlmr1.studio.train.TrainerCheckpoint;
import dev.vlmr1.studio.train.TrainingSample;

/**
 * The experiment: synthetic splits, a tiny model, an SFT warm-up that makes the shared base, then from that base
 * (a) SFT and (b) GRPO on the same in-domain training split with the same number of training prompts, each model
 * evaluated on the in-domain and out-of-domain test splits.
 */
public final class RlVsSftExperiment {

	private final ExperimentPlan plan;

	private final Path dir;

	private final Consumer<String> log;

	public RlVsSftExperiment(ExperimentPlan plan, Path dir, Consumer<String> log) {
		this.plan = plan;
		this.dir = dir;
		this.log = log;
	}

	public ExperimentResult run() {
		long start = System.nanoTime();
		List<TrainingSample> pretrain = split(ExperimentSplits.PRETRAIN);
		List<TrainingSample> train = split(ExperimentSplits.TRAIN);
		var inDomain = new RecEvaluation(split(ExperimentSplits.TEST_IN_DOMAIN), plan.maxCompletionLength());
		var outOfDomain = new RecEvaluation(split(ExperimentSplits.TEST_OUT_OF_DOMAIN), plan.maxCompletionLength());
		Path tiny = dir.resolve("tiny");
		if (!Files.isDirectory(tiny)) {
			TinyModelCreator.create(tiny, plan.seed(), List.of(), plan.vocabSize(), plan.shape());
		}
		List<ExperimentResult.Row> rows = new ArrayList<>();
		long t = System.nanoTime();
		Path base = sft(tiny, dir.resolve("base"), pretrain, plan.baseSteps(), plan.baseLearningRate());
		rows.add(evaluate("base (SFT warm-up)", base, inDomain, outOfDomain, System.nanoTime() - t));
		t = System.nanoTime();
		Path sft = sft(base, dir.resolve("sft"), train, plan.armSteps(), plan.sftLearningRate());
		rows.add(evaluate("SFT", sft, inDomain, outOfDomain, System.nanoTime() - t));
		t = System.nanoTime();
		Path grpo = grpo(base, dir.resolve("grpo"), train);
		rows.add(evaluate("GRPO", grpo, inDomain, outOfDomain, System.nanoTime() - t));
		return new ExperimentResult(plan, rows, (System.nanoTime() - start) / 1e9);
	}

	private List<TrainingSample> split(String name) {
		Path jsonl = SyntheticDatasetWriter.write(ExperimentSplits.draw(plan, name), dir.resolve("data").resolve(name), name);
		return JsonlTrainingData.read(jsonl, jsonl.getParent());
	}

	private Path sft(Path from, Path out, List<TrainingSample> samples, int steps, double lr) {
		var config = new SftConfig(lr, LrSchedule.Type.COSINE, 0, 0.05, 0.0, 1.0, plan.promptsPerStep(), 1, 1, steps,
				false, plan.seed(), 0, GrpoConfig.REC_TEMPLATE);
		List<TrainingSample> targets = SftTargets.inAnswerFormat(samples);
		try (QwenTokenizer tokenizer = QwenTokenizer.load(from); Policy policy = Policy.load(from);
				var trainer = new SftTrainer(new SftTrainer.Setup(policy, tokenizer, ImageProcessor.fromCheckpoint(from),
						targets, printer(out), from, out), config)) {
			trainer.train();
		}
		return TrainerCheckpoint.latest(out).orElseThrow();
	}

	private Path grpo(Path from, Path out, List<TrainingSample> samples) {
		GrpoConfig config = GrpoConfig.builder()
			.learningRate(plan.grpoLearningRate())
			.lrSchedulerType(LrSchedule.Type.COSINE)
			.warmupRatio(0.05)
			.numGenerations(plan.generations())
			.perDeviceTrainBatchSize(plan.generations())
			.gradientAccumulationSteps(plan.promptsPerStep())
			.maxSteps(plan.armSteps())
			.maxCompletionLength(plan.maxCompletionLength())
			.beta(plan.beta())
			.seed(plan.seed())
			.promptTemplate(GrpoConfig.REC_TEMPLATE)
			.build();
		var rewards = RewardScorers.of(RewardConfiguration.of(RewardPresets.get(RewardPresets.REC).orElseThrow()));
		try (QwenTokenizer tokenizer = QwenTokenizer.load(from); Policy policy = Policy.load(from);
				Policy reference = plan.beta() > 0 ? Policy.load(from) : null;
				var trainer = new GrpoTrainer(new GrpoTrainer.Setup(policy, reference, tokenizer,
						ImageProcessor.fromCheckpoint(from), rewards, samples, printer(out), from, out), config)) {
			trainer.train();
		}
		return TrainerCheckpoint.latest(out).orElseThrow();
	}

	private ExperimentResult.Row evaluate(String name, Path model, RecEvaluation inDomain, RecEvaluation outOfDomain,
			long trainNanos) {
		try (QwenTokenizer tokenizer = QwenTokenizer.load(model); Policy policy = Policy.load(model)) {
			ImageProcessor images = ImageProcessor.fromCheckpoint(model);
			RecReport id = inDomain.evaluate(policy, tokenizer, images);
			RecReport ood = outOfDomain.evaluate(policy, tokenizer, images);
			var row = new ExperimentResult.Row(name, id.accuracy(), id.meanIou(), ood.accuracy(), ood.meanIou(),
					trainNanos / 1e9);
			log.accept(row.toString());
			return row;
		}
	}

	private MetricSink printer(Path out) {
		String arm = out.getFileName().toString();
		return (m) -> {
			if (m.step() % 25 == 0 || m.step() == m.totalSteps()) {
				StringBuilder line = new StringBuilder(arm + " " + m.step() + "/" + m.totalSteps());
				m.values().forEach((k, v) -> line.append(' ').append(k).append('=').append(String.format("%.4g", v)));
				log.accept(line.toString());
			}
		};
	}

}

package dev.vlmr1.studio.executor;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import ai.djl.Device;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import dev.vlmr1.studio.model.RunDevice;
import dev.vlmr1.studio.model.image.ImageProcessor;
import dev.vlmr1.studio.model.lora.PeftAdapterFiles;
import dev.vlmr1.studio.model.tokenizer.QwenTokenizer;
import dev.vlmr1.studio.reward.RewardScorers;
import dev.vlmr1.studio.run.RunAlarm;
import dev.vlmr1.studio.run.RunDetails;
import dev.vlmr1.studio.run.RunType;
import dev.vlmr1.studio.train.GrpoConfig;
import dev.vlmr1.studio.train.GrpoTrainer;
import dev.vlmr1.studio.train.LearningSignal;
import dev.vlmr1.studio.train.MetricSink;
import dev.vlmr1.studio.train.Policy;
import dev.vlmr1.studio.train.RewardScorer;
import dev.vlmr1.studio.train.RolloutRecord;
import dev.vlmr1.studio.train.SftConfig;
import dev.vlmr1.studio.train.SftTargets;
import dev.vlmr1.studio.train.SftTrainer;
import dev.vlmr1.studio.train.StepMetrics;
import dev.vlmr1.studio.train.TrainingSample;
import dev.vlmr1.studio.train.TrainingSpec;

/**
 * The real trainer behind a worker: builds a {@link SftTrainer} or {@link GrpoTrainer} from the run (model from the
 * catalog, samples and images from dataset storage, rewards from the run's terms, hyperparameters) and drives its
 * steps itself, so a cancel is seen between steps and every checkpoint goes through the session (staged in the
 * attempt directory, committed, registered for resume).
 */
final class RealTrainingJob implements TrainingJob {

	/** Steps the learning-signal alarm averages over: long enough that one unlucky batch raises nothing. */
	static final int LEARNING_SIGNAL_WINDOW = 5;

	/** One optimiser step, a checkpoint, the step count: what both trainers offer. */
	private interface Steps extends AutoCloseable {

		void step();

		Path save();

		long globalStep();

		@Override
		void close();

	}

	private final RunDetails run;

	private final TrainingInputs inputs;

	private final WorkerDevice device;

	RealTrainingJob(RunDetails run, TrainingInputs inputs, WorkerDevice device) {
		this.run = run;
		this.inputs = inputs;
		this.device = device;
	}

	@Override
	public void train(TrainingSession session) throws Exception {
		// first: a worker that cannot give the run its device fails before reading anything
		Device onto = device.device();
		Path model = inputs.modelDir(run.modelId());
		List<TrainingSample> samples = inputs.samples(run.datasetIds());
		String common = inputs.commonTaskType(run.datasetIds());
		String template = GrpoConfig.promptTemplate(common == null ? List.of() : List.of(common));
		Map<String, Object> hp = session.hyperparameters();
		int saveSteps = Math.max(1, TrainerConfigs.integer(hp, "save_steps"));
		// a LoRA checkpoint holds only the adapter: the trainer's resume copies it onto the base
		Path weights = session.resumeDir() != null && !PeftAdapterFiles.isAdapter(session.resumeDir())
				? session.resumeDir() : model;
		session.log("loading " + run.type() + " policy from " + weights + " (" + samples.size() + " samples) onto "
				+ onto + " (CUDA_VISIBLE_DEVICES=" + RunDevice.visibleDevices() + ")");
		try (QwenTokenizer tokenizer = QwenTokenizer.load(model); Policy policy = Policy.load(weights, onto, TrainingSpec.torchDtype(hp))) {
			ImageProcessor images = TrainingSpec.images(model, hp);
			// the trainer writes checkpoint-<step> into the attempt directory, where the session stages them
			Path outputDir = session.newCheckpointDir(0).getParent();
			Files.deleteIfExists(session.newCheckpointDir(0));
			PeriodicEvaluation evaluation = PeriodicEvaluation.of(run, inputs, hp);
			LearningSignal signal = new LearningSignal(LEARNING_SIGNAL_WINDOW,
					TrainerConfigs.integer(hp, "max_completion_length"));
			MetricSink sink = new SessionSink(session, new RolloutGallery(samples), evaluation, signal,
					TrainingSpec.loggingSteps(hp));
			int total;
			int resumable = 1;
			Policy reference = null;
			Steps steps;
			if (run.type() == RunType.SFT) {
				SftConfig config = TrainerConfigs.sft(hp, template);
				total = config.totalSteps(samples.size());
				SftTrainer trainer = new SftTrainer(new SftTrainer.Setup(policy, tokenizer, images,
						SftTargets.inAnswerFormat(samples), sink, model,
						outputDir), config);
				if (session.resumeDir() != null) {
					trainer.resumeFrom(session.resumeDir());
				}
				steps = wrap(trainer::step, trainer::save, trainer::globalStep, trainer::close);
			}
			else if (run.type() == RunType.GRPO) {
				GrpoConfig config = TrainerConfigs.grpo(hp, template);
				RewardScorer rewards = rewards();
				// under LoRA the reference is the policy with its adapters off, not a second copy
				reference = config.beta() > 0 && config.lora() == null ? Policy.load(model, onto) : null;
				total = config.totalSteps(samples.size());
				GrpoTrainer trainer = new GrpoTrainer(new GrpoTrainer.Setup(policy, reference, tokenizer, images, rewards,
						samples, sink, model, outputDir), config);
				if (session.resumeDir() != null) {
					trainer.resumeFrom(session.resumeDir());
				}
				steps = wrap(trainer::step, trainer::save, trainer::globalStep, trainer::close);
				resumable = config.numIterations();
				saveSteps = lcm(saveSteps, resumable);
			}
			else {
				throw new TrainingFailure(FailureKind.SETUP, "the executor does not train " + run.type() + " runs");
			}
			try (Steps s = steps; Policy ref = reference) {
				loop(session, s, total, saveSteps, resumable, evaluation == null ? null
						: (step) -> evaluation.afterStep(step, policy, tokenizer, images, hp, session));
			}
		}
	}

	/**
	 * @param saveSteps checkpoint every so many steps (a multiple of {@code resumable})
	 * @param resumable steps between points an attempt can resume from exactly (GRPO: μ, SFT: 1)
	 */
	private void loop(TrainingSession session, Steps trainer, int total, int saveSteps, int resumable,
			java.util.function.@Nullable IntConsumer evaluate) {
		session.declareTotalSteps(total);
		int saved = (int) trainer.globalStep();
		while (trainer.globalStep() < total && (!session.stopRequested() || midBatch(session, trainer, resumable))) {
			trainer.step();
			int step = (int) trainer.globalStep();
			if (evaluate != null) {
				evaluate.accept(step);
			}
			if (step == total || step % saveSteps == 0) {
				save(session, trainer, step);
				saved = step;
			}
		}
		// a preempted worker hands its run back at this very step (Slurm's grace period covers one save)
		if (session.preemptRequested() && trainer.globalStep() > saved) {
			save(session, trainer, (int) trainer.globalStep());
		}
	}

	/**
	 * A preempted GRPO run with μ > 1 finishes the optimiser steps of its current batch of rollouts first: only a
	 * checkpoint at a batch boundary resumes exactly (the rollouts themselves are not saved).
	 */
	private static boolean midBatch(TrainingSession session, Steps trainer, int resumable) {
		return session.preemptRequested() && trainer.globalStep() % resumable != 0;
	}

	private static void save(TrainingSession session, Steps trainer, int step) {
		session.newCheckpointDir(step); // a fresh directory: a torn one of an earlier attempt is gone
		Path dir = trainer.save();
		session.commitCheckpoint(step, dir);
		session.log("checkpoint of step " + step + " committed");
	}

	private RewardScorer rewards() {
		if (run.rewardTerms() == null || run.rewardTerms().isEmpty()) {
			throw new TrainingFailure(FailureKind.SETUP, "a GRPO run needs reward terms");
		}
		try {
			return RewardScorers.fromJson(JsonMapper.builder().build().writeValueAsString(run.rewardTerms()));
		}
		catch (IllegalArgumentException ex) {
			throw new TrainingFailure(FailureKind.SETUP, "invalid reward terms: " + ex.getMessage());
		}
	}

	private static Steps wrap(Runnable step, java.util.function.Supplier<Path> save,
			java.util.function.LongSupplier globalStep, Runnable close) {
		return new Steps() {
			@Override
			public void step() {
				step.run();
			}

			@Override
			public Path save() {
				return save.get();
			}

			@Override
			public long globalStep() {
				return globalStep.getAsLong();
			}

			@Override
			public void close() {
				close.run();
			}
		};
	}

	private static int lcm(int a, int b) {
		int x = a, y = b;
		while (y != 0) {
			int t = x % y;
			x = y;
			y = t;
		}
		return a / x * b;
	}

	/**
	 * Step metrics into the run, those of every {@code loggingSteps}-th step and of the last one (every other step
	 * reports only its progress); a diverged loss stops the run as {@link FailureKind#NAN_LOSS} whatever the step.
	 */
	private record SessionSink(TrainingSession session, RolloutGallery gallery,
			@Nullable PeriodicEvaluation evaluation, LearningSignal signal, int loggingSteps) implements MetricSink {

		@Override
		public void onStep(StepMetrics metrics) {
			Double loss = metrics.values().get("loss");
			if (loss != null && !Double.isFinite(loss)) {
				throw new TrainingFailure(FailureKind.NAN_LOSS, "loss is " + loss + " at step " + metrics.step());
			}
			Map<String, Double> finite = new LinkedHashMap<>();
			metrics.values().forEach((name, value) -> {
				if (value != null && Double.isFinite(value)) {
					finite.put(name, value);
				}
			});
			session.reportStep((int) metrics.step(), metrics.loggedEvery(loggingSteps) ? finite : Map.of());
			for (LearningSignal.Alarm alarm : signal.observe(metrics.step(), finite)) {
				session.alarm((int) alarm.step(), new RunAlarm(alarm.problem().name().toLowerCase(java.util.Locale.ROOT),
						alarm.problem().title(), alarm.message()));
			}
			if (evaluation != null) {
				evaluation.onTrainingStep(finite);
			}
		}

		@Override
		public void onRollouts(List<RolloutRecord> rollouts) {
			if (rollouts.isEmpty()) {
				return;
			}
			session.reportRollouts((int) rollouts.get(0).step(), gallery.of(rollouts));
			RolloutRecord first = rollouts.get(0);
			String text = first.completion().length() > 200 ? first.completion().substring(0, 200) + "…"
					: first.completion();
			session.log(String.format(java.util.Locale.ROOT, "rollout of step %d, sample %s: reward %.3f: %s",
					first.step(), first.sampleId(), first.reward(), text.replace('\n', ' ')));
		}

	}

}

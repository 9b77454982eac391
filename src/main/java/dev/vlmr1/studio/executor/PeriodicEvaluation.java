package dev.vlmr1.studio.executor;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

import dev.vlmr1.studio.eval.AlarmDecision;
import dev.vlmr1.studio.eval.EvalPoint;
import dev.vlmr1.studio.eval.RewardHackingAlarm;
import dev.vlmr1.studio.model.image.ImageProcessor;
import dev.vlmr1.studio.model.tokenizer.QwenTokenizer;
import dev.vlmr1.studio.run.RunAlarm;
import dev.vlmr1.studio.run.RunDetails;
import dev.vlmr1.studio.train.Policy;

/**
 * Issue 6's evaluation during training: every {@code eval_steps} optimiser steps the current policy is evaluated
 * on a seeded subset ({@code eval_samples}) of the run's eval dataset, the {@code eval/…} metrics recorded at that
 * step (beside the training reward on the run page) with the per-sample results; then {@link RewardHackingAlarm}
 * judges the last {@code eval_alarm_window} evaluations (mean training reward since the previous evaluation
 * against the held-out metric) and an {@code ALARM} event is recorded when the reward rises while the metric falls.
 * The history lives in this attempt only: a resumed attempt starts judging afresh.
 */
final class PeriodicEvaluation {

	private final Evaluator evaluator;

	private final int every;

	private final RewardHackingAlarm alarm;

	private final List<EvalPoint> history = new ArrayList<>();

	private final List<Double> rewardsSinceLast = new ArrayList<>();

	private boolean alarmed;

	PeriodicEvaluation(Evaluator evaluator, int every, RewardHackingAlarm alarm) {
		this.evaluator = evaluator;
		this.every = every;
		this.alarm = alarm;
	}

	/** The run's periodic evaluation, or null when it has none ({@code eval_steps} 0 or no eval dataset). */
	static @Nullable PeriodicEvaluation of(RunDetails run, TrainingInputs inputs, Map<String, Object> hp) {
		int every = TrainerConfigs.integer(hp, "eval_steps");
		if (every <= 0 || run.evalDatasetId() == null) {
			return null;
		}
		var samples = inputs.samples(List.of(run.evalDatasetId()));
		Evaluator evaluator = new Evaluator(Evaluator.subset(samples, TrainerConfigs.integer(hp, "eval_samples"),
				TrainerConfigs.integer(hp, "seed")), TrainerConfigs.integer(hp, "eval_batch_size"));
		return new PeriodicEvaluation(evaluator, every,
				new RewardHackingAlarm(Math.max(2, TrainerConfigs.integer(hp, "eval_alarm_window")), 0.0, 0.01));
	}

	/** Notes a training step's metrics: its {@code reward} (GRPO) feeds the alarm. */
	void onTrainingStep(Map<String, Double> metrics) {
		Double reward = metrics.get("reward");
		if (reward != null && Double.isFinite(reward)) {
			rewardsSinceLast.add(reward);
		}
	}

	/** Evaluates after {@code step} when it is due; records metrics, results and, when it fires, the alarm. */
	void afterStep(int step, Policy policy, QwenTokenizer tokenizer, ImageProcessor images, Map<String, Object> hp,
			TrainingSession session) {
		if (step % every != 0) {
			return;
		}
		Evaluator.Outcome outcome = EvalJob.evaluate(evaluator, policy, tokenizer, images, hp, session, (done) -> {
		});
		if (outcome == null) {
			return; // cancelled mid-evaluation: the run stops after this step anyway
		}
		session.reportEvalResults(step, outcome.results());
		session.reportStep(step, outcome.metrics());
		session.log("evaluation at step " + step + ": " + outcome.metrics());
		judge(step, outcome.heldOut()).ifPresent((fired) -> session.alarm(step, RunAlarm.rewardHacking(fired.message())));
	}

	/**
	 * Adds an evaluation to the history.
	 * @return the alarm's decision when a divergence starts at this evaluation (it fires once per divergence)
	 */
	Optional<AlarmDecision> judge(int step, double heldOut) {
		if (rewardsSinceLast.isEmpty()) {
			return Optional.empty(); // no training reward (SFT): nothing to compare against
		}
		double reward = rewardsSinceLast.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
		rewardsSinceLast.clear();
		history.add(new EvalPoint(step, reward, heldOut));
		AlarmDecision decision = alarm.check(history);
		boolean starts = decision.raised() && !alarmed;
		alarmed = decision.raised();
		return starts ? Optional.of(decision) : Optional.empty();
	}

}

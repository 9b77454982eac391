package dev.vlmr1.studio.executor;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.vlmr1.studio.eval.AlarmDecision;
import dev.vlmr1.studio.eval.RewardHackingAlarm;
import dev.vlmr1.studio.train.TrainingSample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The periodic evaluation's alarm on synthetic histories: the mean training reward since the previous evaluation
 * against the held-out metric, an alarm once per divergence (not at every evaluation while it lasts), none
 * without a training reward (SFT) or before K evaluations; the seeded subset and the batches of an evaluation.
 */
class PeriodicEvaluationTests {

	private static final List<TrainingSample> REC = List.of(sample("r1", "rec"), sample("r2", "rec"), sample("r3", "rec"));

	@Test
	void theAlarmFiresOnceWhenTheRewardRisesWhileTheMetricFalls() {
		PeriodicEvaluation evaluation = new PeriodicEvaluation(new Evaluator(REC, 2), 10, new RewardHackingAlarm(3, 0, 0.01));
		List<Integer> firedAt = new ArrayList<>();
		// (mean training reward since the last evaluation, held-out accuracy) per evaluation
		double[][] history = { { 0.2, 0.50 }, { 0.3, 0.52 }, { 0.4, 0.50 }, { 0.5, 0.45 }, { 0.6, 0.40 }, { 0.7, 0.35 },
				{ 0.7, 0.50 }, { 0.7, 0.60 }, { 0.8, 0.55 }, { 0.9, 0.45 } };
		for (int i = 0; i < history.length; i++) {
			// two training steps between evaluations: the alarm sees their mean
			evaluation.onTrainingStep(Map.of("reward", history[i][0] - 0.05, "loss", 1.0));
			evaluation.onTrainingStep(Map.of("reward", history[i][0] + 0.05));
			int step = 10 * (i + 1);
			Optional<AlarmDecision> fired = evaluation.judge(step, history[i][1]);
			fired.ifPresent(d -> {
				firedAt.add(step);
				assertThat(d.message()).contains("training reward rose");
				assertThat(d.toStep()).isEqualTo(step);
			});
		}
		// steps 20–40 diverge first (0.52 → 0.45 while 0.3 → 0.5); it lasts to step 60, recovers, diverges again
		// over steps 80–100 (0.60 → 0.45 while 0.7 → 0.9)
		assertThat(firedAt).containsExactly(40, 100);
	}

	@Test
	void noTrainingRewardOrTooFewEvaluationsRaiseNothing() {
		PeriodicEvaluation sft = new PeriodicEvaluation(new Evaluator(REC, 1), 1, new RewardHackingAlarm(2, 0, 0.01));
		for (int step = 1; step <= 5; step++) {
			sft.onTrainingStep(Map.of("loss", 1.0 / step)); // SFT reports no reward
			assertThat(sft.judge(step, 1.0 - step / 10.0)).isEmpty();
		}
		PeriodicEvaluation grpo = new PeriodicEvaluation(new Evaluator(REC, 1), 1, new RewardHackingAlarm(3, 0, 0.01));
		grpo.onTrainingStep(Map.of("reward", 0.1));
		assertThat(grpo.judge(1, 0.9)).isEmpty();
		grpo.onTrainingStep(Map.of("reward", Double.NaN)); // a non-finite reward is ignored, no evaluation point
		assertThat(grpo.judge(2, 0.1)).isEmpty();
		grpo.onTrainingStep(Map.of("reward", 0.9));
		assertThat(grpo.judge(3, 0.1)).as("two points, K = 3").isEmpty();
	}

	@Test
	void anEvaluationBatchesPerTaskAndSubsetsBySeed() {
		List<TrainingSample> mixed = List.of(sample("a", "rec"), sample("b", "ovd"), sample("c", "rec"), sample("d", "rec"),
				sample("e", "counting"));
		Evaluator evaluator = new Evaluator(mixed, 2);
		assertThat(evaluator.size()).as("the counting sample is not evaluated").isEqualTo(4);
		assertThat(evaluator.batches()).as("REC in 2 batches of ≤ 2, OVD in 1").isEqualTo(3);
		assertThat(Evaluator.subset(mixed, 0, 1)).isEqualTo(mixed);
		assertThat(Evaluator.subset(mixed, 9, 1)).isEqualTo(mixed);
		assertThat(Evaluator.subset(mixed, 2, 5)).hasSize(2).isEqualTo(Evaluator.subset(mixed, 2, 5));
		assertThatThrownBy(() -> new Evaluator(List.of(sample("x", "counting")), 2)).isInstanceOf(TrainingFailure.class)
			.hasMessageContaining("no REC or OVD samples");
	}

	private static TrainingSample sample(String id, String task) {
		return new TrainingSample(id, "the circle", List.of(), "[1, 2, 3, 4]", Map.of("task_type", task));
	}

}

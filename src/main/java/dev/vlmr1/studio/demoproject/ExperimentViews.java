package dev.vlmr1.studio.demoproject;

import java.lang.reflect.RecordComponent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import dev.vlmr1.studio.demoproject.ExperimentStore.Experiment;
import dev.vlmr1.studio.experiment.ExperimentPlan;

/**
 * What an experiment shows: each of its three runs with its state, and the results table, one row per run read
 * from its last evaluation's per-split metrics ({@code eval/rec_accuracy/in_domain}, …; null until that run has
 * been evaluated), as {@code RlVsSftExperiment}'s table; plus the command line that reproduces it in one process.
 */
@Component
class ExperimentViews {

	static final String ACCURACY = "eval/rec_accuracy/";

	static final String MEAN_IOU = "eval/rec_mean_iou/";

	/**
	 * One run of the experiment and its row of the table.
	 * @param state the run's state; before the run exists its follow-up's ({@code WAITING}, {@code ABANDONED}) or
	 * {@code PREPARING} / {@code NOT_STARTED}
	 * @param evaluatedStep the step of the evaluation the metrics come from
	 */
	record Arm(String arm, String label, @Nullable Long runId, String state, @Nullable String note,
			@Nullable Integer currentStep, @Nullable Integer totalSteps, @Nullable Integer evaluatedStep,
			@Nullable Double inDomainAccuracy, @Nullable Double inDomainMeanIou, @Nullable Double outOfDomainAccuracy,
			@Nullable Double outOfDomainMeanIou) {
	}

	/** An experiment as {@code GET /api/experiments/{id}} answers it. */
	record View(long id, Instant createdAt, String state, @Nullable String message, Map<String, Object> plan,
			@Nullable Long pretrainDatasetId, @Nullable Long trainDatasetId, @Nullable Long testDatasetId,
			@Nullable Long modelId, @Nullable Long rewardConfigId, List<Arm> arms, @Nullable String compareUrl,
			String command) {

		/** Whether every run has ended (or will never start): the page stops refreshing. */
		public boolean settled() {
			return !state.equals("PREPARING") && arms.stream()
				.allMatch((a) -> List.of("SUCCEEDED", "FAILED", "CANCELLED", "ABANDONED", "NOT_STARTED").contains(a.state()));
		}

	}

	/** A line of {@code GET /api/experiments}. */
	record Summary(long id, Instant createdAt, String state, @Nullable Long baseRunId, @Nullable Long sftRunId,
			@Nullable Long grpoRunId) {
	}

	private record RunState(String state, int currentStep, @Nullable Integer totalSteps) {
	}

	private record FollowUp(String state, @Nullable Long childRunId, @Nullable String message) {
	}

	private final JdbcClient jdbc;

	ExperimentViews(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	View view(Experiment e) {
		List<Arm> arms = new ArrayList<>();
		arms.add(arm(e, "base", "base (SFT warm-up)", e.baseRunId(), null));
		arms.add(arm(e, "sft", "SFT", null, e.sftFollowUpId()));
		arms.add(arm(e, "grpo", "GRPO", null, e.grpoFollowUpId()));
		List<Long> runs = arms.stream().map(Arm::runId).filter((r) -> r != null).toList();
		String compare = runs.isEmpty() ? null
				: "/compare?" + runs.stream().map((r) -> "runs=" + r).collect(Collectors.joining("&"));
		// JSONB keeps keys in its own order: show them in the record's
		Map<String, Object> plan = new LinkedHashMap<>();
		Arrays.stream(ExperimentPlan.class.getRecordComponents())
			.map(RecordComponent::getName)
			.filter(e.plan()::containsKey)
			.forEach((name) -> plan.put(name, e.plan().get(name)));
		plan.putAll(e.plan());
		return new View(e.id(), e.createdAt(), e.state(), e.message(), plan, e.pretrainDatasetId(),
				e.trainDatasetId(), e.testDatasetId(), e.modelId(), e.rewardConfigId(), arms, compare,
				ExperimentCommandLine.of(e.plan(), "experiment-" + e.id()));
	}

	Summary summary(Experiment e) {
		return new Summary(e.id(), e.createdAt(), e.state(), e.baseRunId(), childOf(e.sftFollowUpId()),
				childOf(e.grpoFollowUpId()));
	}

	private Arm arm(Experiment e, String arm, String label, @Nullable Long baseRun, @Nullable Long followUpId) {
		Long runId = baseRun;
		String state = e.state().equals("PREPARING") ? "PREPARING" : "NOT_STARTED";
		String note = null;
		if (followUpId != null) {
			FollowUp f = followUp(followUpId);
			runId = f.childRunId();
			state = f.state();
			note = f.state().equals("ABANDONED") ? f.message() : null;
		}
		if (runId == null) {
			return new Arm(arm, label, null, state, note, null, null, null, null, null, null, null);
		}
		RunState run = jdbc.sql("SELECT state, current_step, total_steps FROM runs WHERE id = ?")
			.param(runId)
			.query((rs, n) -> new RunState(rs.getString(1), rs.getInt(2), (Integer) rs.getObject(3)))
			.single();
		Map<String, Double> last = new HashMap<>();
		Integer[] step = { null };
		jdbc.sql("""
				SELECT DISTINCT ON (name) name, step, value FROM run_metrics
				WHERE run_id = ? AND NOT archived AND (name LIKE 'eval/rec_accuracy/%' OR name LIKE 'eval/rec_mean_iou/%')
				ORDER BY name, step DESC""").param(runId).query((rs) -> {
			last.put(rs.getString(1), rs.getDouble(3));
			if (rs.getString(1).equals(ACCURACY + ExperimentData.IN_DOMAIN)) {
				step[0] = rs.getInt(2);
			}
		});
		return new Arm(arm, label, runId, run.state(), note, run.currentStep(), run.totalSteps(), step[0],
				last.get(ACCURACY + ExperimentData.IN_DOMAIN), last.get(MEAN_IOU + ExperimentData.IN_DOMAIN),
				last.get(ACCURACY + ExperimentData.OUT_OF_DOMAIN), last.get(MEAN_IOU + ExperimentData.OUT_OF_DOMAIN));
	}

	private @Nullable Long childOf(@Nullable Long followUpId) {
		return followUpId == null ? null : followUp(followUpId).childRunId();
	}

	private FollowUp followUp(long id) {
		return jdbc.sql("SELECT state, child_run_id, message FROM run_followups WHERE id = ?")
			.param(id)
			.query((rs, n) -> new FollowUp(rs.getString(1), (Long) rs.getObject(2), rs.getString(3)))
			.single();
	}

}

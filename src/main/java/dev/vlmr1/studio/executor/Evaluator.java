package dev.vlmr1.studio.executor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;

import org.jspecify.annotations.Nullable;

import dev.vlmr1.studio.eval.OvdMetrics;
import dev.vlmr1.studio.eval.OvdReport;
import dev.vlmr1.studio.eval.OvdSampleResult;
import dev.vlmr1.studio.eval.RecAccuracy;
import dev.vlmr1.studio.eval.RecReport;
import dev.vlmr1.studio.eval.RecSampleResult;
import dev.vlmr1.studio.eval.SeededSubset;
import dev.vlmr1.studio.model.image.ImageProcessor;
import dev.vlmr1.studio.model.tokenizer.QwenTokenizer;
import dev.vlmr1.studio.reward.Box;
import dev.vlmr1.studio.reward.Detection;
import dev.vlmr1.studio.reward.RewardSample;
import dev.vlmr1.studio.reward.RewardScorers;
import dev.vlmr1.studio.run.EvalResultRecord;
import dev.vlmr1.studio.run.RolloutBox;
import dev.vlmr1.studio.train.GrpoConfig;
import dev.vlmr1.studio.train.GreedyCompletions;
import dev.vlmr1.studio.train.Policy;
import dev.vlmr1.studio.train.TrainingSample;

/**
 * One evaluation of a policy on a fixed set of REC and OVD samples (issue 6): greedy completions in batches (REC
 * and OVD prompts never share a batch, each has its template), REC scored with {@link RecAccuracy} (VLM-R1's
 * protocol) and OVD with {@link OvdMetrics}; metrics {@code eval/…} and a per-sample result for the run page. The
 * same evaluator serves eval runs and the periodic evaluation of a training run, with the current policy.
 */
final class Evaluator {

	private static final int MAX_SPLITS = 16;

	private static final int SPLIT_NAME_LENGTH = 64;

	/**
	 * What one evaluation found.
	 * @param heldOut the metric the reward-hacking alarm watches (REC accuracy, else OVD mAP)
	 */
	record Outcome(Map<String, Double> metrics, List<EvalResultRecord> results, double heldOut) {
	}

	private final List<TrainingSample> rec;

	private final List<TrainingSample> ovd;

	private final int batchSize;

	Evaluator(List<TrainingSample> samples, int batchSize) {
		this.rec = samples.stream().filter((s) -> "rec".equals(s.fields().get("task_type"))).toList();
		this.ovd = samples.stream().filter((s) -> "ovd".equals(s.fields().get("task_type"))).toList();
		this.batchSize = Math.max(1, batchSize);
		if (rec.isEmpty() && ovd.isEmpty()) {
			throw new TrainingFailure(FailureKind.DATA, "the eval dataset has no REC or OVD samples to evaluate");
		}
	}

	/** The seeded subset of {@code n} samples ({@code 0} or more than there are: all), in dataset order. */
	static List<TrainingSample> subset(List<TrainingSample> all, int n, long seed) {
		return SeededSubset.indices(all.size(), n <= 0 ? all.size() : n, seed).stream().map(all::get).toList();
	}

	int size() {
		return rec.size() + ovd.size();
	}

	/** Generation batches one evaluation takes. */
	int batches() {
		return ceil(rec.size()) + ceil(ovd.size());
	}

	/** Evaluates {@code policy}; {@code afterBatch} gets the number of batches done so far. */
	Outcome evaluate(Policy policy, QwenTokenizer tokenizer, ImageProcessor images, int maxNewTokens,
			IntConsumer afterBatch) {
		Map<String, Double> metrics = new LinkedHashMap<>();
		List<EvalResultRecord> results = new ArrayList<>();
		int[] done = { 0 };
		Double heldOut = null;
		if (!rec.isEmpty()) {
			var completions = complete(new GreedyCompletions(policy, tokenizer, images, GrpoConfig.REC_TEMPLATE,
					maxNewTokens), rec, done, afterBatch);
			RecReport report = RecAccuracy.vlmr1().evaluate(completions.stream().map(GreedyCompletions.Completed::text).toList(),
					completions.stream().map(Evaluator::rewardSample).toList());
			metrics.put("eval/rec_accuracy", report.accuracy());
			metrics.put("eval/rec_mean_iou", report.meanIou());
			metrics.putAll(perSplit(completions.stream().map(GreedyCompletions.Completed::sample).toList(), report));
			heldOut = report.accuracy();
			for (RecSampleResult r : report.samples()) {
				GreedyCompletions.Completed c = completions.get(r.index());
				results.add(new EvalResultRecord(c.sample().id(), "rec", c.text(), image(c.sample()), boxes(r.prediction()),
						boxes(r.groundTruth()), r.iou(), r.correct()));
			}
		}
		if (!ovd.isEmpty()) {
			var completions = complete(new GreedyCompletions(policy, tokenizer, images, GrpoConfig.DEFAULT_TEMPLATE,
					maxNewTokens), ovd, done, afterBatch);
			OvdReport report = new OvdMetrics(false).evaluate(
					completions.stream().map(GreedyCompletions.Completed::text).toList(),
					completions.stream().map(Evaluator::rewardSample).toList());
			metrics.put("eval/ovd_map", report.map());
			metrics.put("eval/ovd_ap50", report.ap50());
			metrics.put("eval/ovd_precision", report.precision());
			metrics.put("eval/ovd_recall", report.recall());
			heldOut = heldOut != null ? heldOut : report.map();
			for (OvdSampleResult r : report.samples()) {
				GreedyCompletions.Completed c = completions.get(r.index());
				boolean all = r.truePositives() == r.groundTruth().size() && r.predictions().size() == r.groundTruth().size();
				results.add(new EvalResultRecord(c.sample().id(), "ovd", c.text(), image(c.sample()), detections(r.predictions()),
						detections(r.groundTruth()), null, all));
			}
		}
		return new Outcome(metrics, results, heldOut);
	}

	/**
	 * REC accuracy and mean IoU per value of the samples' string field {@code split} (e.g. {@code in_domain},
	 * {@code out_of_domain}): {@code eval/rec_accuracy/<split>}, {@code eval/rec_mean_iou/<split>}, so one eval dataset
	 * holding several test splits gives one table row per model. Samples without the field count only overall; a
	 * split value becomes a metric-name segment (characters outside {@code [A-Za-z0-9_.-]} as {@code _}, at most
	 * {@value #SPLIT_NAME_LENGTH} of them) and at most {@value #MAX_SPLITS} splits are reported.
	 * @param samples the evaluated samples, {@code samples.get(r.index())} being the sample of result {@code r}
	 */
	static Map<String, Double> perSplit(List<TrainingSample> samples, RecReport report) {
		Map<String, double[]> sums = new LinkedHashMap<>(); // split -> {correct, iou sum, count}
		for (RecSampleResult r : report.samples()) {
			String split = splitOf(samples.get(r.index()));
			if (split == null || (!sums.containsKey(split) && sums.size() == MAX_SPLITS)) {
				continue;
			}
			double[] sum = sums.computeIfAbsent(split, (k) -> new double[3]);
			sum[0] += r.correct() ? 1 : 0;
			sum[1] += r.iou();
			sum[2]++;
		}
		Map<String, Double> metrics = new LinkedHashMap<>();
		sums.forEach((split, sum) -> {
			metrics.put("eval/rec_accuracy/" + split, sum[0] / sum[2]);
			metrics.put("eval/rec_mean_iou/" + split, sum[1] / sum[2]);
		});
		return metrics;
	}

	private static @Nullable String splitOf(TrainingSample sample) {
		if (!(sample.fields().get("split") instanceof String split) || split.isBlank()) {
			return null;
		}
		String name = split.strip().replaceAll("[^A-Za-z0-9_.-]", "_");
		return name.length() > SPLIT_NAME_LENGTH ? name.substring(0, SPLIT_NAME_LENGTH) : name;
	}

	private List<GreedyCompletions.Completed> complete(GreedyCompletions greedy, List<TrainingSample> samples, int[] done,
			IntConsumer afterBatch) {
		List<GreedyCompletions.Completed> out = new ArrayList<>();
		for (int from = 0; from < samples.size(); from += batchSize) {
			out.addAll(greedy.complete(samples.subList(from, Math.min(samples.size(), from + batchSize))));
			afterBatch.accept(++done[0]);
		}
		return out;
	}

	private static RewardSample rewardSample(GreedyCompletions.Completed c) {
		return RewardScorers.rewardSample(c.sample(), c.imageSizes(), c.gridThw());
	}

	/** The first image's sha256: {@link TrainingInputs} resolves images to {@code <artifacts>/images/ab/cdef…}. */
	private static @Nullable String image(TrainingSample sample) {
		if (sample.images().isEmpty() || sample.images().get(0).getParent() == null) {
			return null;
		}
		java.nio.file.Path file = sample.images().get(0);
		String sha = file.getParent().getFileName() + "" + file.getFileName();
		return sha.matches("[0-9a-f]{64}") ? sha : null;
	}

	private static List<RolloutBox> boxes(@Nullable Box b) {
		return b == null ? List.of() : List.of(RolloutBox.of(b.x1(), b.y1(), b.x2(), b.y2()));
	}

	private static List<RolloutBox> detections(List<Detection> detections) {
		return detections.stream()
			.map((d) -> new RolloutBox(List.of(d.box().x1(), d.box().y1(), d.box().x2(), d.box().y2()), d.label()))
			.toList();
	}

	private int ceil(int n) {
		return (n + batchSize - 1) / batchSize;
	}

}

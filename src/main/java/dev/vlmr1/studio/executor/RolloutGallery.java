package dev.vlmr1.studio.executor;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.vlmr1.studio.reward.Box;
import dev.vlmr1.studio.reward.BoxParser;
import dev.vlmr1.studio.run.RolloutBox;
import dev.vlmr1.studio.run.RolloutSampleRecord;
import dev.vlmr1.studio.train.RolloutRecord;
import dev.vlmr1.studio.train.TrainingSample;

/**
 * Turns the trainer's rollout records into the run page's gallery samples: at most {@value #MAX_SAMPLES} per
 * step, with the box each completion predicted (VLM-R1's REC protocol: first integer box in the first answer) and
 * the sample's ground-truth box, both in the image's pixels (the synthetic images are not resized).
 */
final class RolloutGallery {

	/** The run module stores at most this many samples per step. */
	static final int MAX_SAMPLES = 16;

	private final Map<String, TrainingSample> samples = new HashMap<>();

	RolloutGallery(List<TrainingSample> samples) {
		samples.forEach(s -> this.samples.putIfAbsent(s.id(), s));
	}

	List<RolloutSampleRecord> of(List<RolloutRecord> rollouts) {
		List<RolloutSampleRecord> out = new ArrayList<>();
		for (RolloutRecord r : rollouts.subList(0, Math.min(MAX_SAMPLES, rollouts.size()))) {
			List<RolloutBox> predicted = BoxParser.recPrediction(r.completion()).map(RolloutGallery::box).stream().toList();
			List<RolloutBox> truth = truth(samples.get(r.sampleId())).map(RolloutGallery::box).stream().toList();
			out.add(new RolloutSampleRecord(text(r.prompt()), r.images(), text(r.completion()), r.rewards(), finite(r.reward()),
					finite(r.advantage()), predicted, truth));
		}
		return out;
	}

	private static Optional<Box> truth(TrainingSample sample) {
		if (sample == null || !"rec".equals(sample.fields().get("task_type"))) {
			return Optional.empty();
		}
		try {
			return Optional.of(BoxParser.groundTruth(sample.solution()));
		}
		catch (IllegalArgumentException ex) {
			return Optional.empty();
		}
	}

	private static RolloutBox box(Box b) {
		return RolloutBox.of(b.x1(), b.y1(), b.x2(), b.y2());
	}

	/** PostgreSQL text cannot hold NUL, which an untrained model may well generate. */
	static String text(String s) {
		return s.indexOf('\0') < 0 ? s : s.replace('\0', '\uFFFD');
	}

	private static double finite(double value) {
		return Double.isFinite(value) ? value : 0;
	}

}

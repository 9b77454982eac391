package dev.vlmr1.studio.run;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.vlmr1.studio.web.ApiProblem;

/**
 * Keeps a step's gallery sample small and well-formed before it is stored: at most {@link #MAX_SAMPLES} rollouts
 * (the worker picks which), a few images and boxes each, finite scores, and texts cut at {@link #MAX_TEXT}
 * characters (a runaway completion would otherwise cost megabytes per step). Image refs must name something in
 * the artifact store. A violation is a 400 problem: it is a bug in the worker, not something to hide.
 */
final class RolloutLimits {

	static final int MAX_SAMPLES = 16;

	static final int MAX_IMAGES = 8;

	static final int MAX_BOXES = 100;

	static final int MAX_REWARDS = 32;

	static final int MAX_TEXT = 20_000;

	static final String CUT = "\n…[truncated]";

	private RolloutLimits() {
	}

	/** The samples as they will be stored (image refs normalised, texts cut), or a 400 problem. */
	static List<RolloutSampleRecord> checked(int step, List<RolloutSampleRecord> samples, RolloutImages images) {
		if (step < 0) {
			throw invalid("step must be >= 0, got " + step);
		}
		if (samples.size() > MAX_SAMPLES) {
			throw invalid("at most " + MAX_SAMPLES + " rollouts per step are kept, got " + samples.size()
					+ "; send a sample of the step");
		}
		List<RolloutSampleRecord> checked = new ArrayList<>(samples.size());
		for (int i = 0; i < samples.size(); i++) {
			checked.add(checked(i, samples.get(i), images));
		}
		return checked;
	}

	private static RolloutSampleRecord checked(int idx, RolloutSampleRecord s, RolloutImages images) {
		String where = "rollout " + idx + ": ";
		if (s.images().size() > MAX_IMAGES) {
			throw invalid(where + "at most " + MAX_IMAGES + " images");
		}
		List<String> refs = new ArrayList<>();
		for (String raw : s.images()) {
			String ref = images.normalise(raw);
			if (ref == null) {
				throw invalid(where + "image '" + raw + "' is neither a sha256 nor a path inside the artifact store");
			}
			refs.add(ref);
		}
		if (s.rewards().size() > MAX_REWARDS) {
			throw invalid(where + "at most " + MAX_REWARDS + " reward functions");
		}
		for (Map.Entry<String, Double> e : s.rewards().entrySet()) {
			if (e.getKey().isBlank() || e.getKey().length() > 100) {
				throw invalid(where + "reward names have 1 to 100 characters");
			}
			if (e.getValue() == null || !Double.isFinite(e.getValue())) {
				throw invalid(where + "reward '" + e.getKey() + "' must be a finite number");
			}
		}
		if (!Double.isFinite(s.reward()) || !Double.isFinite(s.advantage())) {
			throw invalid(where + "reward and advantage must be finite numbers");
		}
		checkBoxes(where + "predicted boxes: ", s.predictedBoxes());
		checkBoxes(where + "ground-truth boxes: ", s.truthBoxes());
		return new RolloutSampleRecord(cut(s.prompt()), refs, cut(s.completion()), s.rewards(), s.reward(),
				s.advantage(), s.predictedBoxes(), s.truthBoxes());
	}

	private static void checkBoxes(String where, List<RolloutBox> boxes) {
		if (boxes.size() > MAX_BOXES) {
			throw invalid(where + "at most " + MAX_BOXES);
		}
		for (RolloutBox box : boxes) {
			String problem = box.problem();
			if (problem != null) {
				throw invalid(where + problem);
			}
		}
	}

	static String cut(String text) {
		return text.length() <= MAX_TEXT ? text : text.substring(0, MAX_TEXT) + CUT;
	}

	private static ApiProblem invalid(String detail) {
		return ApiProblem.badRequest("rollouts-invalid", detail);
	}

}

package dev.vlmr1.studio.reward.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import dev.vlmr1.studio.reward.Completion;
import dev.vlmr1.studio.reward.ConfigViolation;
import dev.vlmr1.studio.reward.RewardSample;
import dev.vlmr1.studio.reward.SampleImage;

/**
 * A dry-run body: {@code {"completions": ["…" | {"text", "tokens"}], "samples": [{question, solution, fields,
 * images: [{width, height, gridH, gridW}], accuRewardMethod}]}} with one sample per completion, or a single
 * sample scored against every completion. Problems are reported together, like configuration errors
 * ({@code index} is the completion's or sample's position).
 */
record DryRunRequest(List<Completion> completions, List<RewardSample> samples) {

	static final int MAX_COMPLETIONS = 256;

	@SuppressWarnings("unchecked")
	static DryRunRequest parse(Map<String, Object> body) {
		List<ConfigViolation> errors = new ArrayList<>();
		List<Completion> completions = new ArrayList<>();
		if (body.get("completions") instanceof List<?> list && !list.isEmpty() && list.size() <= MAX_COMPLETIONS) {
			for (int i = 0; i < list.size(); i++) {
				Object c = list.get(i);
				if (c instanceof String text) {
					completions.add(Completion.of(text));
				}
				else if (c instanceof Map<?, ?> m && m.get("text") instanceof String text) {
					completions.add(new Completion(text, m.get("tokens") instanceof Integer n ? n : -1));
				}
				else {
					errors.add(new ConfigViolation(i, "completions", "must be a string or {\"text\", \"tokens\"}"));
				}
			}
		}
		else {
			errors.add(new ConfigViolation(-1, "completions", "is required: 1 to " + MAX_COMPLETIONS + " completions"));
		}
		List<RewardSample> samples = new ArrayList<>();
		if (body.get("samples") instanceof List<?> list && !list.isEmpty()) {
			for (int i = 0; i < list.size(); i++) {
				RewardSample sample = list.get(i) instanceof Map<?, ?> m ? sample(i, (Map<String, Object>) m, errors) : null;
				if (sample == null && !(list.get(i) instanceof Map)) {
					errors.add(new ConfigViolation(i, "samples", "must be an object {question, solution, …}"));
				}
				if (sample != null) {
					samples.add(sample);
				}
			}
		}
		else {
			errors.add(new ConfigViolation(-1, "samples", "is required: one sample per completion, or one for all"));
		}
		if (errors.isEmpty() && samples.size() != 1 && samples.size() != completions.size()) {
			errors.add(new ConfigViolation(-1, "samples", "give one sample per completion (" + completions.size()
					+ ") or a single sample; got " + samples.size()));
		}
		if (!errors.isEmpty()) {
			throw RewardConfigRequest.invalid(errors);
		}
		if (samples.size() == 1 && completions.size() > 1) {
			samples = java.util.Collections.nCopies(completions.size(), samples.get(0));
		}
		return new DryRunRequest(completions, samples);
	}

	private static @Nullable RewardSample sample(int i, Map<String, Object> m, List<ConfigViolation> errors) {
		int before = errors.size();
		Object question = m.getOrDefault("question", "");
		Object solution = m.get("solution");
		if (!(question instanceof String)) {
			errors.add(new ConfigViolation(i, "samples.question", "must be a string"));
		}
		if (!(solution instanceof String) && !(solution instanceof Number)) {
			errors.add(new ConfigViolation(i, "samples.solution", "is required: the ground-truth answer text"));
		}
		Map<String, @Nullable Object> fields = new LinkedHashMap<>();
		if (m.get("fields") instanceof Map<?, ?> f) {
			f.forEach((k, v) -> fields.put(String.valueOf(k), v));
		}
		List<SampleImage> images = new ArrayList<>();
		if (m.get("images") instanceof List<?> list) {
			for (Object o : list) {
				if (o instanceof Map<?, ?> img && img.get("width") instanceof Integer w && img.get("height") instanceof Integer h
						&& w > 0 && h > 0) {
					int gh = img.get("gridH") instanceof Integer g ? g : 0;
					int gw = img.get("gridW") instanceof Integer g ? g : 0;
					images.add(new SampleImage(w, h, 1, gh, gw));
				}
				else {
					errors.add(new ConfigViolation(i, "samples.images",
							"each image is {width, height, gridH?, gridW?} with positive integers"));
				}
			}
		}
		if (errors.size() > before) {
			return null;
		}
		String method = m.get("accuRewardMethod") instanceof String s ? s : null;
		return new RewardSample((String) question, String.valueOf(solution), fields, images, method);
	}

}

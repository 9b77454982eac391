package dev.vlmr1.studio.run;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import dev.vlmr1.studio.train.Setting;
import dev.vlmr1.studio.train.TrainingSpec;

/**
 * A {@code POST /api/runs} body after structural validation: every missing, unknown or mistyped field and
 * every invalid hyperparameter is collected before anything is reported.
 */
record RunRequest(RunType type, long modelId, List<Long> datasetIds, @Nullable Long evalDatasetId,
		@Nullable Long rewardConfigId, Map<String, Object> hyperparameters, int maxAttempts) {

	private static final Set<String> FIELDS = Set.of("type", "modelId", "datasetIds", "evalDatasetId",
			"rewardConfigId", "hyperparameters", "maxAttempts");

	static final int MAX_ATTEMPTS_LIMIT = 10;

	/** Parses {@code body}, adding every problem to {@code errors}; returns null when any was found. */
	@SuppressWarnings("unchecked")
	static @Nullable RunRequest parse(Map<String, Object> body, int defaultMaxAttempts, List<FieldError> errors) {
		int before = errors.size();
		body.keySet().stream().filter(k -> !FIELDS.contains(k)).sorted().forEach(k -> errors.add(new FieldError(k,
				"unknown field; allowed: type, modelId, datasetIds, evalDatasetId, rewardConfigId, hyperparameters, maxAttempts")));
		RunType type = null;
		Object rawType = body.get("type");
		if (rawType instanceof String s && List.of("grpo", "sft", "eval").contains(s.toLowerCase(Locale.ROOT))) {
			type = RunType.valueOf(s.toUpperCase(Locale.ROOT));
		}
		else {
			errors.add(new FieldError("type", "is required: one of grpo, sft, eval"
					+ (rawType == null ? "" : "; got " + Setting.describe(rawType))));
		}
		Long modelId = id(body, "modelId", true, errors);
		List<Long> datasetIds = new ArrayList<>();
		Object rawDatasets = body.get("datasetIds");
		if (rawDatasets instanceof List<?> list && !list.isEmpty()) {
			for (int i = 0; i < list.size(); i++) {
				Object v = list.get(i);
				if (isId(v)) {
					datasetIds.add(((Number) v).longValue());
				}
				else {
					errors.add(new FieldError("datasetIds[" + i + "]", "must be a dataset id (a positive integer)"));
				}
			}
		}
		else {
			errors.add(new FieldError("datasetIds", "is required: a non-empty list of dataset ids"));
		}
		Long evalDatasetId = id(body, "evalDatasetId", false, errors);
		Long rewardConfigId = id(body, "rewardConfigId", false, errors);
		if (type == RunType.GRPO && body.get("rewardConfigId") == null) {
			errors.add(new FieldError("rewardConfigId", "is required for grpo runs: the rewards to optimise"));
		}
		int maxAttempts = defaultMaxAttempts;
		Object rawAttempts = body.get("maxAttempts");
		if (rawAttempts != null) {
			if (rawAttempts instanceof Integer n && n >= 1 && n <= MAX_ATTEMPTS_LIMIT) {
				maxAttempts = n;
			}
			else {
				errors.add(new FieldError("maxAttempts", "must be an integer in [1, " + MAX_ATTEMPTS_LIMIT + "]"));
			}
		}
		Object rawHp = body.getOrDefault("hyperparameters", Map.of());
		Map<String, Object> hyperparameters = Map.of();
		if (rawHp instanceof Map<?, ?> map) {
			hyperparameters = Hyperparameters.validate(type == null ? RunType.GRPO : type, (Map<String, Object>) map,
					errors);
		}
		else {
			errors.add(new FieldError("hyperparameters", "must be an object of name → value"));
		}
		if (type != RunType.EVAL && hyperparameters.get("eval_steps") instanceof Integer every && every > 0
				&& body.get("evalDatasetId") == null) {
			errors.add(new FieldError("evalDatasetId",
					"is required when hyperparameters.eval_steps > 0: the held-out dataset evaluated every N steps"));
		}
		else if (type != RunType.EVAL && !(hyperparameters.get("eval_steps") instanceof Integer every && every > 0)) {
			periodicEvaluationOff(type, hyperparameters, errors);
		}
		if (errors.size() > before || type == null || modelId == null) {
			return null;
		}
		return new RunRequest(type, modelId, List.copyOf(datasetIds), evalDatasetId, rewardConfigId, hyperparameters,
				maxAttempts);
	}

	/**
	 * A training run without periodic evaluation reads none of its settings (nor, in SFT, which generates nothing
	 * else, the generation budget): one set is refused, not ignored.
	 */
	private static void periodicEvaluationOff(@Nullable RunType type, Map<String, Object> hyperparameters,
			List<FieldError> errors) {
		List<String> evaluationOnly = type == RunType.SFT
				? List.of("eval_samples", "eval_batch_size", "eval_alarm_window", "max_completion_length")
				: List.of("eval_samples", "eval_batch_size", "eval_alarm_window");
		for (String name : evaluationOnly) {
			Object value = hyperparameters.get(name);
			if (value != null && !value.equals(TrainingSpec.named(name).defaultValue())) {
				errors.add(new FieldError("hyperparameters." + name, "means nothing without periodic evaluation: "
						+ "set hyperparameters.eval_steps > 0 and an evalDatasetId, or leave it out"));
			}
		}
	}

	private static @Nullable Long id(Map<String, Object> body, String field, boolean required, List<FieldError> errors) {
		Object v = body.get(field);
		if (v == null) {
			if (required) {
				errors.add(new FieldError(field, "is required"));
			}
			return null;
		}
		if (!isId(v)) {
			errors.add(new FieldError(field, "must be an id (a positive integer); got " + Setting.describe(v)));
			return null;
		}
		return ((Number) v).longValue();
	}

	private static boolean isId(@Nullable Object v) {
		return (v instanceof Integer || v instanceof Long) && ((Number) v).longValue() > 0;
	}

}

package dev.vlmr1.studio.run;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import dev.vlmr1.studio.catalog.ModelCatalog;
import dev.vlmr1.studio.dataset.DatasetId;
import dev.vlmr1.studio.dataset.DatasetManagement;
import dev.vlmr1.studio.plan.MemoryPlan;
import dev.vlmr1.studio.reward.config.RewardConfigManagement;
import dev.vlmr1.studio.web.ApiProblem;
import dev.vlmr1.studio.web.CurrentUser;

/**
 * Creates runs from {@code POST /api/runs}: validation (every problem at once), references checked through
 * the dataset and reward modules' APIs, the memory plan (a run that cannot fit in a worker is refused with the
 * cheapest change that fits), and {@code Idempotency-Key} semantics, all in one transaction so that a failure leaves
 * neither a run nor a used key behind.
 */
@Service
class RunCreation {

	static final int MAX_KEY_LENGTH = 255;

	private final RunStore runs;

	private final IdempotencyStore keys;

	private final DatasetManagement datasets;

	private final RewardConfigManagement rewardConfigs;

	private final ModelCatalog models;

	private final RunProperties properties;

	private final JsonMapper json;

	private final ApplicationEventPublisher events;

	private final LengthLimitsCheck lengthLimits;

	private final RunMemoryPlans plans;

	RunCreation(RunStore runs, IdempotencyStore keys, DatasetManagement datasets, RewardConfigManagement rewardConfigs,
			ModelCatalog models, RunProperties properties, JsonMapper json, ApplicationEventPublisher events,
			LengthLimitsCheck lengthLimits, RunMemoryPlans plans) {
		this.events = events;
		this.lengthLimits = lengthLimits;
		this.plans = plans;
		this.models = models;
		this.runs = runs;
		this.keys = keys;
		this.datasets = datasets;
		this.rewardConfigs = rewardConfigs;
		this.properties = properties;
		this.json = json;
	}

	/** The answer to a creation request: a new run, or the replay of the answer first given for its key. */
	record Outcome(int status, String body, boolean replayed, long runId) {
	}

	@Transactional
	Outcome create(CurrentUser user, Map<String, Object> body, @Nullable String key) {
		if (key != null) {
			if (key.isBlank() || key.length() > MAX_KEY_LENGTH) {
				throw ApiProblem.badRequest("idempotency-key-invalid",
						"Idempotency-Key must be 1 to " + MAX_KEY_LENGTH + " characters");
			}
			String hash = hash(body);
			Optional<IdempotencyStore.Stored> prior = keys.claim(user.id(), key, hash, properties.idempotencyRetention());
			if (prior.isPresent()) {
				if (!prior.get().requestHash().equals(hash)) {
					throw new ApiProblem(HttpStatus.UNPROCESSABLE_CONTENT, "idempotency-key-reused", "Idempotency key reused",
							"this Idempotency-Key was already used with a different request body");
				}
				return new Outcome(prior.get().status(), prior.get().body(), true, prior.get().resourceId());
			}
		}
		List<FieldError> errors = new ArrayList<>();
		RunRequest request = RunRequest.parse(body, properties.maxAttempts(), errors);
		List<Map<String, Object>> terms = null;
		if (request != null) {
			if (models.find(user, request.modelId()).isEmpty()) {
				errors.add(new FieldError("modelId", "model " + request.modelId() + " does not exist"));
			}
			for (int i = 0; i < request.datasetIds().size(); i++) {
				checkDataset(request.datasetIds().get(i), "datasetIds[" + i + "]", user, errors);
			}
			if (request.evalDatasetId() != null) {
				checkDataset(request.evalDatasetId(), "evalDatasetId", user, errors);
			}
			if (request.rewardConfigId() != null && request.type() != RunType.SFT) {
				try {
					terms = rewardConfigs.useForRun(request.rewardConfigId(), user);
				}
				catch (ApiProblem ex) {
					errors.add(new FieldError("rewardConfigId", ex.getMessage()));
				}
			}
		}
		if (request == null || !errors.isEmpty()) {
			throw invalid(errors);
		}
		errors.addAll(lengthLimits.check(request, java.nio.file.Path.of(models.get(user, request.modelId()).path())));
		if (!errors.isEmpty()) {
			throw invalid(errors);
		}
		MemoryPlan plan = plans.plan(user, request.type(), request.modelId(), request.hyperparameters()).orElse(null);
		if (plan != null && !plan.fits()) {
			throw RunMemoryPlans.refusal(plan);
		}
		long id = runs.insert(new RunStore.NewRun(user.id(), request.type(), request.modelId(), request.datasetIds(),
				request.evalDatasetId(), request.type() == RunType.SFT ? null : request.rewardConfigId(), terms,
				request.hyperparameters(), request.maxAttempts()));
		request.datasetIds().forEach(d -> datasets.markInUse(new DatasetId(d), "run:" + id));
		if (request.evalDatasetId() != null) {
			datasets.markInUse(new DatasetId(request.evalDatasetId()), "run:" + id);
		}
		events.publishEvent(new RunQueued(new RunId(id), request.type()));
		String answer = json.writeValueAsString(RunView.of(runs.find(id).orElseThrow()));
		if (key != null) {
			keys.complete(user.id(), key, HttpStatus.CREATED.value(), answer, id);
		}
		return new Outcome(HttpStatus.CREATED.value(), answer, false, id);
	}

	private void checkDataset(long id, String field, CurrentUser user, List<FieldError> errors) {
		try {
			datasets.requireUsable(new DatasetId(id), user);
		}
		catch (ApiProblem ex) {
			errors.add(new FieldError(field, ex.getMessage()));
		}
	}

	static ApiProblem invalid(List<FieldError> errors) {
		return new ApiProblem(HttpStatus.BAD_REQUEST, "run-invalid", "Invalid run request",
				errors.size() + " problem(s) in the run request")
			.with("errors", errors);
	}

	/** SHA-256 of the body with object keys sorted, so key order and whitespace do not matter. */
	private String hash(Map<String, Object> body) {
		try {
			byte[] canonical = json.writeValueAsString(canonical(body)).getBytes(StandardCharsets.UTF_8);
			return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(canonical));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static @Nullable Object canonical(@Nullable Object value) {
		if (value instanceof Map<?, ?> map) {
			Map<String, Object> sorted = new TreeMap<>();
			map.forEach((k, v) -> sorted.put(String.valueOf(k), canonical(v)));
			return sorted;
		}
		if (value instanceof List<?> list) {
			return list.stream().map(RunCreation::canonical).toList();
		}
		return value;
	}

}

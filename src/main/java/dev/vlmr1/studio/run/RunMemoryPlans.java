package dev.vlmr1.studio.run;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;

import dev.vlmr1.studio.catalog.CatalogModel;
import dev.vlmr1.studio.catalog.ModelCatalog;
import dev.vlmr1.studio.plan.MemoryBudget;
import dev.vlmr1.studio.plan.MemoryPlan;
import dev.vlmr1.studio.plan.ModelShape;
import dev.vlmr1.studio.web.ApiProblem;
import dev.vlmr1.studio.web.CurrentUser;

/**
 * The memory plan of a run request ({@link MemoryPlan}): its estimated peak from the registered model's
 * {@code config.json} and the hyperparameters, against what a worker has. Creation refuses a run that does not fit;
 * the new-run page shows the plan as the user types.
 */
@Service
class RunMemoryPlans {

	private static final Logger LOG = LoggerFactory.getLogger(RunMemoryPlans.class);

	private final ModelCatalog models;

	private final MemoryBudget budget;

	RunMemoryPlans(ModelCatalog models, MemoryBudget budget) {
		this.models = models;
		this.budget = budget;
	}

	/**
	 * The plan of a validated request, or empty when the model's configuration cannot be read: the catalog checked
	 * it at registration, and a checkpoint broken since fails the run's first attempt with the reason.
	 */
	Optional<MemoryPlan> plan(CurrentUser user, RunType type, long modelId, Map<String, Object> hyperparameters) {
		return models.find(user, modelId).flatMap((model) -> shape(model).map((shape) -> MemoryPlan.of(shape,
				type.name().toLowerCase(Locale.ROOT), hyperparameters, budget)));
	}

	private static Optional<ModelShape> shape(CatalogModel model) {
		try {
			return Optional.of(ModelShape.load(Path.of(model.path())));
		}
		catch (RuntimeException ex) {
			LOG.warn("no memory plan for model {}: {}", model.id(), ex.getMessage());
			return Optional.empty();
		}
	}

	/**
	 * The plan of a draft request (the new-run page as the user types, {@code POST /api/runs/plan}): only the type,
	 * the model and the hyperparameters are read, datasets and rewards may still be missing.
	 * @throws ApiProblem 404 when the model does not exist for the user, 400 when the type or a hyperparameter is
	 * invalid
	 */
	PlanView draft(CurrentUser user, Map<String, Object> body) {
		List<FieldError> errors = new ArrayList<>();
		RunType type = null;
		if (body.get("type") instanceof String s && List.of("grpo", "sft", "eval").contains(s.toLowerCase(Locale.ROOT))) {
			type = RunType.valueOf(s.toUpperCase(Locale.ROOT));
		}
		else {
			errors.add(new FieldError("type", "is required: one of grpo, sft, eval"));
		}
		if (!(body.get("modelId") instanceof Number id) || id.longValue() <= 0 || id.doubleValue() != id.longValue()) {
			errors.add(new FieldError("modelId", "is required: a model id (a positive integer)"));
			throw RunCreation.invalid(errors);
		}
		long modelId = ((Number) body.get("modelId")).longValue();
		if (models.find(user, modelId).isEmpty()) {
			throw ApiProblem.notFound("model " + modelId);
		}
		Object raw = body.getOrDefault("hyperparameters", Map.of());
		Map<String, Object> hp = Map.of();
		if (raw instanceof Map<?, ?> map) {
			@SuppressWarnings("unchecked")
			Map<String, Object> given = (Map<String, Object>) map;
			hp = Hyperparameters.validate(type == null ? RunType.GRPO : type, given, errors);
		}
		else {
			errors.add(new FieldError("hyperparameters", "must be an object of name → value"));
		}
		if (!errors.isEmpty()) {
			throw RunCreation.invalid(errors);
		}
		CatalogModel model = models.find(user, modelId).orElseThrow();
		ModelShape shape = shape(model).orElseThrow(() -> new ApiProblem(HttpStatus.UNPROCESSABLE_CONTENT,
				"model-unreadable", "Model cannot be read", "the configuration of model " + modelId + " at "
						+ model.path() + " cannot be read to plan the run's memory"));
		return PlanView.of(MemoryPlan.of(shape, type.name().toLowerCase(Locale.ROOT), hp, budget));
	}

	/** The answer to a request for a run that cannot fit: the numbers and the cheapest change that fits. */
	static ApiProblem refusal(MemoryPlan plan) {
		PlanView view = PlanView.of(plan);
		return new ApiProblem(HttpStatus.UNPROCESSABLE_CONTENT, "run-does-not-fit", "Run does not fit in a worker's memory",
				"the run " + plan.summary())
			.with("requiredBytes", view.requiredBytes())
			.with("availableBytes", view.availableBytes())
			.with("estimate", view.parts())
			.with("suggestion", view.suggestion());
	}

}

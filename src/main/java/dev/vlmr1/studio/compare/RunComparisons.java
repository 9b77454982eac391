package dev.vlmr1.studio.compare;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import dev.vlmr1.studio.catalog.CatalogModel;
import dev.vlmr1.studio.catalog.ModelCatalog;
import dev.vlmr1.studio.run.MetricPoint;
import dev.vlmr1.studio.run.RunDetails;
import dev.vlmr1.studio.run.RunId;
import dev.vlmr1.studio.run.RunManagement;
import dev.vlmr1.studio.train.RunKind;
import dev.vlmr1.studio.train.TrainingSpec;
import dev.vlmr1.studio.web.ApiProblem;
import dev.vlmr1.studio.web.CurrentUser;

/**
 * Builds comparisons of a user's runs. A run the user may not see answers 404 exactly like a missing one, so a
 * comparison never reveals whether someone else's run exists.
 */
@Service
class RunComparisons {

	static final int MAX_RUNS = 10;

	static final int MAX_METRICS = 100;

	static final int PICKER_SIZE = 200;

	// the training metrics most worth a glance, after the evaluation metrics (GRPO.md's names)
	private static final List<String> PREFERRED = List.of("reward", "reward_std", "loss", "kl", "grad_norm",
			"learning_rate", "completions/mean_length", "clip_ratio/region_mean", "frac_reward_zero_std", "epoch");

	private final RunManagement runs;

	private final RunMetricQueries queries;

	private final ModelCatalog models;

	RunComparisons(RunManagement runs, RunMetricQueries queries, ModelCatalog models) {
		this.runs = runs;
		this.queries = queries;
		this.models = models;
	}

	/**
	 * Compares the given runs.
	 * @param runIds 1 to {@value #MAX_RUNS} run ids; repeats are ignored
	 * @param metrics only these metrics, or all of them when null or empty
	 * @throws ApiProblem 401 without a user, 400 for a bad selection, 404 for a run the user cannot see
	 */
	@Transactional(readOnly = true)
	Comparison compare(@Nullable CurrentUser user, @Nullable List<Long> runIds, @Nullable List<String> metrics) {
		CurrentUser who = authenticated(user);
		// a blank entry ("runs= " or "runs=1,,2") arrives as null
		List<Long> ids = new ArrayList<>(new LinkedHashSet<>(runIds == null ? List.of()
				: runIds.stream().filter(Objects::nonNull).toList()));
		if (ids.isEmpty() || ids.size() > MAX_RUNS) {
			throw ApiProblem.badRequest("comparison-invalid",
					"runs must list 1 to " + MAX_RUNS + " run ids, e.g. runs=1,2; got " + ids.size())
				.with("field", "runs");
		}
		List<String> wanted = metrics == null ? List.of()
				: new ArrayList<>(new LinkedHashSet<>(metrics.stream().map(String::strip).filter(m -> !m.isEmpty()).toList()));
		if (wanted.size() > MAX_METRICS) {
			throw ApiProblem.badRequest("comparison-invalid", "at most " + MAX_METRICS + " metrics; got " + wanted.size())
				.with("field", "metrics");
		}
		List<RunDetails> details = ids.stream()
			.map(id -> runs.find(new RunId(id)).filter(r -> who.canAccess(r.ownerId()))
				.orElseThrow(() -> ApiProblem.notFound("run " + id)))
			.toList();
		var metricRows = queries.liveMetrics(ids, wanted.isEmpty() ? null : wanted);
		List<String> order = wanted.isEmpty() ? ordered(metricRows.values().stream().flatMap(m -> m.keySet().stream()).toList())
				: wanted;
		Map<Long, String> modelNames = new LinkedHashMap<>();
		List<ComparedRun> compared = details.stream().map(run -> {
			Map<String, List<MetricPoint>> own = metricRows.getOrDefault(run.id().value(), Map.of());
			Map<String, List<MetricPoint>> curves = new LinkedHashMap<>();
			List<FinalMetric> finals = new ArrayList<>();
			for (String metric : order) {
				List<MetricPoint> curve = own.get(metric);
				if (curve != null) {
					curves.put(metric, curve);
					finals.add(FinalMetric.of(metric, curve));
				}
			}
			String modelName = modelNames.computeIfAbsent(run.modelId(),
					id -> models.find(who, id).map(CatalogModel::name).orElse(null));
			return toCompared(run, modelName, curves, finals);
		}).toList();
		return new Comparison(compared, order);
	}

	/** A run the page offers for comparison. */
	record Choice(long id, String name, String type, String state, int currentStep, Instant createdAt) {
	}

	/** The newest {@value #PICKER_SIZE} runs a user can pick from, newest first (an admin sees everyone's). */
	@Transactional(readOnly = true)
	List<Choice> choices(CurrentUser user) {
		Map<Long, String> modelNames = new LinkedHashMap<>();
		return queries.pickable(user.admin() ? null : user.id(), PICKER_SIZE).stream().map(run -> {
			String modelName = modelNames.computeIfAbsent(run.modelId(),
					id -> models.find(user, id).map(CatalogModel::name).orElse(null));
			return new Choice(run.id(), label(run.id(), run.type(), modelName, run.modelId()),
					run.type().toLowerCase(Locale.ROOT), run.state(), run.currentStep(), run.createdAt());
		}).toList();
	}

	/** Display label of a run: runs have no name column, so number, type and model name stand in for one. */
	static String label(long id, String type, @Nullable String modelName, long modelId) {
		return "#" + id + " " + type.toLowerCase(Locale.ROOT) + " · " + (modelName == null ? "model #" + modelId : modelName);
	}

	/** Evaluation metrics first (by name), then {@link #PREFERRED} in its order, then the rest by name. */
	static List<String> ordered(List<String> names) {
		Comparator<String> byGroup = Comparator.comparingInt(RunComparisons::rank);
		TreeSet<String> sorted = new TreeSet<>(byGroup.thenComparing(Comparator.naturalOrder()));
		sorted.addAll(names);
		return List.copyOf(sorted);
	}

	private static int rank(String metric) {
		if (MetricDirection.isEval(metric)) {
			return -1;
		}
		int preferred = PREFERRED.indexOf(metric);
		return preferred >= 0 ? preferred : PREFERRED.size();
	}

	private static ComparedRun toCompared(RunDetails run, @Nullable String modelName,
			Map<String, List<MetricPoint>> curves, List<FinalMetric> finals) {
		String type = run.type().name().toLowerCase(Locale.ROOT);
		Map<String, Object> hyperparameters = new LinkedHashMap<>();
		for (String key : TrainingSpec.compared(RunKind.valueOf(run.type().name()))) {
			Object value = run.hyperparameters().get(key);
			if (value != null) {
				hyperparameters.put(key, value);
			}
		}
		return new ComparedRun(run.id().value(), label(run.id().value(), type, modelName, run.modelId()), type,
				run.state(), new ComparedRun.Model(run.modelId(), modelName), run.datasetIds(), run.evalDatasetId(),
				run.rewardConfigId(), hyperparameters, run.currentStep(), run.totalSteps(), run.createdAt(),
				run.finishedAt(), curves, finals);
	}

	static CurrentUser authenticated(@Nullable CurrentUser user) {
		if (user == null) {
			throw new ApiProblem(HttpStatus.UNAUTHORIZED, "unauthenticated", "Unauthenticated",
					"log in or send a bearer token");
		}
		return user;
	}

}

package dev.vlmr1.studio.run;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.http.MediaType;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import dev.vlmr1.studio.web.ApiProblem;
import dev.vlmr1.studio.web.CurrentUser;

/**
 * A run's per-sample evaluation results (eval runs at step 1, periodic evaluations at their training step), a page
 * at a time, optionally only the correct or the wrong ones. Served under {@code /api} for token clients and under
 * {@code /runs} for the run page; only the run's owner (or an admin) sees them, anyone else gets a missing run's 404.
 */
@RestController
class RunEvalResultsApiController {

	static final int PAGE_SIZE = 50;

	private final RunAccess access;

	private final RunEvalResultStore results;

	RunEvalResultsApiController(RunAccess access, RunEvalResultStore results) {
		this.access = access;
		this.results = results;
	}

	/**
	 * {@code {"steps", "step", "page", "pageSize", "total", "items"}}: the evaluated steps, and page {@code page}
	 * (from 0) of {@code step}'s results (the latest step by default; null and no items before any evaluation).
	 */
	@GetMapping(path = { "/api/runs/{id}/eval-results", "/runs/{id}/eval-results" },
			produces = MediaType.APPLICATION_JSON_VALUE)
	Map<String, Object> evalResults(@AuthenticationPrincipal @Nullable CurrentUser user, @PathVariable long id,
			@RequestParam(required = false) @Nullable Integer step, @RequestParam(defaultValue = "0") int page,
			@RequestParam(required = false) @Nullable Boolean correct) {
		access.require(id, user);
		if (page < 0 || (step != null && step < 0)) {
			throw ApiProblem.badRequest("page-invalid", "page and step must be >= 0");
		}
		List<Integer> steps = results.steps(id);
		if (step != null && !steps.contains(step)) {
			throw ApiProblem.notFound("evaluation results of step " + step + " in run " + id);
		}
		Integer shown = step != null ? step : steps.isEmpty() ? null : steps.get(steps.size() - 1);
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("steps", steps);
		body.put("step", shown);
		body.put("page", page);
		body.put("pageSize", PAGE_SIZE);
		body.put("total", shown == null ? 0 : results.count(id, shown, correct));
		body.put("items", shown == null ? List.of() : results.page(id, shown, correct, page * PAGE_SIZE, PAGE_SIZE));
		return body;
	}

}

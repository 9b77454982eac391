package dev.vlmr1.studio.run;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;

import org.springframework.core.io.FileSystemResource;
import org.springframework.core.io.Resource;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import dev.vlmr1.studio.web.ApiPaths;
import dev.vlmr1.studio.web.ApiProblem;
import dev.vlmr1.studio.web.CurrentUser;
import dev.vlmr1.studio.web.PageWindow;

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

	private final RolloutImages images;

	RunEvalResultsApiController(RunAccess access, RunEvalResultStore results, RolloutImages images) {
		this.access = access;
		this.results = results;
		this.images = images;
	}

	/** A result with the URL of its image under the path it was asked on (null without an image). */
	record ResultView(int step, int idx, int attempt, String sampleId, String taskType, String prediction,
			@Nullable String imageUrl, List<RolloutBox> predictedBoxes, List<RolloutBox> truthBoxes, @Nullable Double iou,
			boolean correct) {

		static ResultView of(EvalResult r, String base) {
			return new ResultView(r.step(), r.idx(), r.attempt(), r.sampleId(), r.taskType(), r.prediction(),
					r.image() == null ? null : base + r.step() + "/" + r.idx() + "/image", r.predictedBoxes(),
					r.truthBoxes(), r.iou(), r.correct());
		}

	}

	/**
	 * {@code {"steps", "step", "page", "pageSize", "total", "items"}}: the evaluated steps, and page {@code page}
	 * (from 0) of {@code step}'s results (the latest step by default; null and no items before any evaluation).
	 */
	@GetMapping(path = { "/api/runs/{id}/eval-results", "/runs/{id}/eval-results" },
			produces = MediaType.APPLICATION_JSON_VALUE)
	Map<String, Object> evalResults(@AuthenticationPrincipal @Nullable CurrentUser user, @PathVariable long id,
			@RequestParam(required = false) @Nullable Integer step, @RequestParam(defaultValue = "0") int page,
			@RequestParam(required = false) @Nullable Boolean correct, HttpServletRequest request) {
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
		String base = (ApiPaths.isApi(request) ? "/api/runs/" : "/runs/") + id + "/eval-results/";
		body.put("items", shown == null ? List.of()
				: results.page(id, shown, correct, new PageWindow(page, PAGE_SIZE).offset(), PAGE_SIZE).stream()
					.map((r) -> ResultView.of(r, base))
					.toList());
		return body;
	}

	/** The image of a stored result: only an image a result of this run names can be fetched. */
	@GetMapping({ "/api/runs/{id}/eval-results/{step}/{idx}/image", "/runs/{id}/eval-results/{step}/{idx}/image" })
	ResponseEntity<Resource> image(@AuthenticationPrincipal @Nullable CurrentUser user, @PathVariable long id,
			@PathVariable int step, @PathVariable int idx) throws IOException {
		access.require(id, user);
		EvalResult result = results.find(id, step, idx)
			.orElseThrow(() -> ApiProblem.notFound("result " + idx + " of step " + step + " in run " + id));
		String sha = result.image();
		Path file = (sha == null) ? null : images.resolve(sha).orElse(null);
		MediaType type = (file == null) ? null : RolloutImages.sniff(file);
		if (type == null) {
			throw ApiProblem.notFound("the image of result " + idx + " of step " + step);
		}
		return ResponseEntity.ok()
			.contentType(type)
			.cacheControl(CacheControl.maxAge(Duration.ofHours(1)).cachePrivate())
			.body(new FileSystemResource(file));
	}

}

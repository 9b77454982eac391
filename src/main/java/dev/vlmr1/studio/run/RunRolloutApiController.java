package dev.vlmr1.studio.run;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

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

import dev.vlmr1.studio.web.ApiProblem;
import dev.vlmr1.studio.web.ApiPaths;
import dev.vlmr1.studio.web.CurrentUser;

/**
 * A run's rollout gallery as JSON, and the images its samples show. Served under {@code /api} for token clients
 * and under {@code /runs} for the run page (which sends its session cookie), like the event stream. Only the
 * run's owner (or an admin) sees it; anyone else gets the 404 of a missing run.
 */
@RestController
class RunRolloutApiController {

	private final RunAccess access;

	private final RunRolloutStore rollouts;

	private final RolloutImages images;

	RunRolloutApiController(RunAccess access, RunRolloutStore rollouts, RolloutImages images) {
		this.access = access;
		this.rollouts = rollouts;
		this.images = images;
	}

	/** A step's sample in the gallery, with each image's URL under the path it was asked on. */
	record SampleView(int step, int idx, int attempt, String prompt, List<String> images, List<String> imageUrls,
			String completion, Map<String, Double> rewards, double reward, double advantage,
			List<RolloutBox> predictedBoxes, List<RolloutBox> truthBoxes, Instant recordedAt) {
	}

	/**
	 * {@code {"steps": [...], "step": n, "samples": [...]}}: the steps that have a sample, and the sample of
	 * {@code step} (the latest by default; {@code step} is null and {@code samples} empty before the first).
	 */
	@GetMapping(path = { "/api/runs/{id}/rollouts", "/runs/{id}/rollouts" }, produces = MediaType.APPLICATION_JSON_VALUE)
	Map<String, Object> rollouts(@AuthenticationPrincipal @Nullable CurrentUser user, @PathVariable long id,
			@RequestParam(required = false) @Nullable Integer step, HttpServletRequest request) {
		RunDetails run = access.require(id, user);
		if (step != null && step < 0) {
			throw ApiProblem.badRequest("step-invalid", "step must be >= 0, got " + step);
		}
		List<Integer> steps = rollouts.steps(id);
		Integer shown = step != null ? step : steps.isEmpty() ? null : steps.get(steps.size() - 1);
		if (step != null && !steps.contains(step)) {
			throw ApiProblem.notFound("a rollout sample of step " + step + " in run " + id);
		}
		String base = (ApiPaths.isApi(request) ? "/api/runs/" : "/runs/") + run.id().value();
		List<SampleView> samples = shown == null ? List.of()
				: rollouts.samples(id, shown).stream().map(s -> view(base, s)).toList();
		Map<String, Object> body = new java.util.LinkedHashMap<>();
		body.put("steps", steps);
		body.put("step", shown);
		body.put("samples", samples);
		return body;
	}

	/** The {@code n}-th image of a stored sample: only images a sample of this run names can be fetched. */
	@GetMapping({ "/api/runs/{id}/rollouts/{step}/{idx}/images/{n}", "/runs/{id}/rollouts/{step}/{idx}/images/{n}" })
	ResponseEntity<Resource> image(@AuthenticationPrincipal @Nullable CurrentUser user, @PathVariable long id,
			@PathVariable int step, @PathVariable int idx, @PathVariable int n) throws IOException {
		access.require(id, user);
		RolloutSample sample = rollouts.sample(id, step, idx)
			.orElseThrow(() -> ApiProblem.notFound("rollout " + idx + " of step " + step + " in run " + id));
		if (n < 0 || n >= sample.images().size()) {
			throw ApiProblem.notFound("image " + n + " of rollout " + idx);
		}
		Path file = images.resolve(sample.images().get(n))
			.orElseThrow(() -> ApiProblem.notFound("image file " + sample.images().get(n)));
		MediaType type = RolloutImages.sniff(file);
		if (type == null) {
			throw ApiProblem.notFound("an image at " + sample.images().get(n));
		}
		return ResponseEntity.ok()
			.contentType(type)
			.cacheControl(CacheControl.maxAge(java.time.Duration.ofHours(1)).cachePrivate())
			.body(new FileSystemResource(file));
	}

	private static SampleView view(String base, RolloutSample s) {
		List<String> urls = IntStream.range(0, s.images().size())
			.mapToObj(n -> base + "/rollouts/" + s.step() + "/" + s.idx() + "/images/" + n)
			.toList();
		return new SampleView(s.step(), s.idx(), s.attempt(), s.prompt(), s.images(), urls, s.completion(), s.rewards(),
				s.reward(), s.advantage(), s.predictedBoxes(), s.truthBoxes(), s.recordedAt());
	}

}

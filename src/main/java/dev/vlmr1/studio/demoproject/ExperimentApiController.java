package dev.vlmr1.studio.demoproject;

import java.net.URI;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import dev.vlmr1.studio.experiment.ExperimentPlan;
import dev.vlmr1.studio.web.CurrentUser;

/**
 * {@code /api/experiments}: launch the RL-vs-SFT experiment ({@code POST}, an optional JSON object overriding plan
 * fields of {@link ExperimentPlan#standard()}, 201 at once while its objects are created in the background), list
 * the caller's experiments, and one experiment's runs, results table and reproducing command line.
 */
@RestController
class ExperimentApiController {

	private final ExperimentLauncher launcher;

	private final ExperimentStore store;

	private final ExperimentViews views;

	ExperimentApiController(ExperimentLauncher launcher, ExperimentStore store, ExperimentViews views) {
		this.launcher = launcher;
		this.store = store;
		this.views = views;
	}

	@PostMapping("/api/experiments")
	ResponseEntity<ExperimentViews.View> create(@AuthenticationPrincipal CurrentUser user,
			@RequestBody(required = false) @Nullable Map<String, Object> overrides) {
		ExperimentPlan plan = PlanOverrides.apply(ExperimentPlan.standard(), overrides == null ? Map.of() : overrides);
		long id = launcher.start(user, plan);
		return ResponseEntity.created(URI.create("/api/experiments/" + id)).body(views.view(store.find(user, id)));
	}

	@GetMapping("/api/experiments")
	List<ExperimentViews.Summary> list(@AuthenticationPrincipal CurrentUser user) {
		return store.list(user).stream().map(views::summary).toList();
	}

	@GetMapping("/api/experiments/{id}")
	ExperimentViews.View show(@AuthenticationPrincipal CurrentUser user, @PathVariable long id) {
		return views.view(store.find(user, id));
	}

}

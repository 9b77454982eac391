package dev.vlmr1.studio.run;

import java.net.URI;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import dev.vlmr1.studio.web.ApiProblem;
import dev.vlmr1.studio.web.CurrentUser;
import dev.vlmr1.studio.web.PageWindow;

/** {@code /api/runs}: create (idempotent with {@code Idempotency-Key}), list, get, cancel, metrics. */
@RestController
@RequestMapping("/api/runs")
class RunApiController {

	static final String REPLAYED = "Idempotent-Replayed";

	private static final int MAX_PAGE_SIZE = 100;

	private final RunCreation creation;

	private final RunManagement runs;

	private final RunStore store;

	private final RunTelemetryStore telemetry;

	private final RunAccess access;

	RunApiController(RunCreation creation, RunManagement runs, RunStore store, RunTelemetryStore telemetry,
			RunAccess access) {
		this.creation = creation;
		this.runs = runs;
		this.store = store;
		this.telemetry = telemetry;
		this.access = access;
	}

	@PostMapping
	ResponseEntity<String> create(@AuthenticationPrincipal @Nullable CurrentUser user,
			@RequestHeader(name = "Idempotency-Key", required = false) @Nullable String key,
			@RequestBody Map<String, Object> body) {
		RunCreation.Outcome outcome = creation.create(RunAccess.authenticated(user), body, key);
		var response = ResponseEntity.status(outcome.status())
			.contentType(MediaType.APPLICATION_JSON)
			.location(URI.create("/api/runs/" + outcome.runId()));
		if (outcome.replayed()) {
			response.header(REPLAYED, "true");
		}
		return response.body(outcome.body());
	}

	/** A page of runs, newest first: the user's own, or everyone's for admins. */
	@GetMapping
	Map<String, Object> list(@AuthenticationPrincipal @Nullable CurrentUser user,
			@RequestParam(defaultValue = "0") int page, @RequestParam(defaultValue = "20") int size) {
		CurrentUser who = RunAccess.authenticated(user);
		PageWindow window = PageWindow.of(page, size, MAX_PAGE_SIZE);
		Long owner = who.admin() ? null : who.id();
		List<RunView> items = store.list(owner, window.offset(), size).stream().map(RunView::of).toList();
		return Map.of("items", items, "page", page, "size", size, "total", store.count(owner));
	}

	/** The run, with its version as {@code ETag} (send it back as {@code If-Match} to cancel only that state). */
	@GetMapping("/{id}")
	ResponseEntity<RunView> get(@AuthenticationPrincipal @Nullable CurrentUser user, @PathVariable long id) {
		RunView run = RunView.of(access.require(id, user));
		return ResponseEntity.ok().eTag(Long.toString(run.version())).body(run);
	}

	@PostMapping("/{id}/cancel")
	ResponseEntity<RunView> cancel(@AuthenticationPrincipal @Nullable CurrentUser user, @PathVariable long id,
			@RequestHeader(name = "If-Match", required = false) @Nullable String ifMatch) {
		RunDetails run = access.require(id, user);
		RunView cancelled = RunView.of(runs.cancel(run.id(), "cancelled by " + RunAccess.authenticated(user).username(),
				parseVersion(ifMatch)));
		return ResponseEntity.ok().eTag(Long.toString(cancelled.version())).body(cancelled);
	}

	private static @Nullable Long parseVersion(@Nullable String ifMatch) {
		if (ifMatch == null || ifMatch.isBlank() || ifMatch.strip().equals("*")) {
			return null;
		}
		try {
			return Long.parseLong(ifMatch.strip().replaceFirst("^W/", "").replace("\"", ""));
		}
		catch (NumberFormatException ex) {
			throw ApiProblem.badRequest("if-match-invalid", "If-Match must be a run version as sent in ETag");
		}
	}

	/** Live points sorted by step: of one metric with {@code name}, else of every metric by name. */
	@GetMapping("/{id}/metrics")
	Map<String, Object> metrics(@AuthenticationPrincipal @Nullable CurrentUser user, @PathVariable long id,
			@RequestParam(required = false) @Nullable String name) {
		RunDetails run = access.require(id, user);
		if (name != null) {
			return Map.of("name", name, "points", telemetry.metric(run.id().value(), name));
		}
		return Map.of("metrics", telemetry.allMetrics(run.id().value()));
	}

	@GetMapping("/{id}/attempts")
	List<RunAttempt> attempts(@AuthenticationPrincipal @Nullable CurrentUser user, @PathVariable long id) {
		return runs.attempts(access.require(id, user).id());
	}

	@GetMapping("/{id}/checkpoints")
	List<Map<String, Object>> checkpoints(@AuthenticationPrincipal @Nullable CurrentUser user, @PathVariable long id) {
		return telemetry.checkpoints(access.require(id, user).id().value());
	}

}

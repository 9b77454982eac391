package dev.vlmr1.studio.executor;

import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

import dev.vlmr1.studio.run.RunDetails;
import dev.vlmr1.studio.run.RunId;
import dev.vlmr1.studio.run.RunManagement;
import dev.vlmr1.studio.web.ApiProblem;
import dev.vlmr1.studio.web.CurrentUser;

/**
 * {@code GET /api/runs/{id}/attempts/diagnostics}: the executor's view of a run's attempts (the run module's
 * {@code /attempts} plus failure class, exit code, log tail, where each resumed, and which of its metric steps
 * were archived when a later attempt rewound them). Someone else's run answers 404 like a missing one. Lease tokens never leave
 * the server.
 */
@RestController
class AttemptApiController {

	private final RunManagement runs;

	private final JdbcClient jdbc;

	AttemptApiController(RunManagement runs, JdbcClient jdbc) {
		this.runs = runs;
		this.jdbc = jdbc;
	}

	@GetMapping("/api/runs/{id}/attempts/diagnostics")
	List<Map<String, Object>> attempts(@AuthenticationPrincipal @Nullable CurrentUser user, @PathVariable long id) {
		if (user == null) {
			throw new ApiProblem(HttpStatus.UNAUTHORIZED, "unauthenticated", "Unauthenticated", "log in or send a bearer token");
		}
		RunDetails run = runs.find(new RunId(id)).filter(r -> user.canAccess(r.ownerId()))
			.orElseThrow(() -> ApiProblem.notFound("run " + id));
		return jdbc.sql("""
				SELECT a.attempt, a.worker_id AS "workerId", a.outcome, a.failure, a.exit_code AS "exitCode",
				  a.reason, a.resumed_from_step AS "resumedFromStep", a.last_step AS "lastStep",
				  a.started_at AS "startedAt", a.ended_at AS "endedAt", a.retry_at AS "retryAt", a.log_tail AS "logTail",
				  (SELECT min(m.step) FROM run_metrics m WHERE m.run_id = a.run_id AND m.attempt = a.attempt AND m.archived)
				    AS "archivedFromStep",
				  (SELECT max(m.step) FROM run_metrics m WHERE m.run_id = a.run_id AND m.attempt = a.attempt AND m.archived)
				    AS "archivedToStep"
				FROM run_attempts a WHERE a.run_id = ? ORDER BY a.attempt""")
			.param(run.id().value())
			.query()
			.listOfRows();
	}

}

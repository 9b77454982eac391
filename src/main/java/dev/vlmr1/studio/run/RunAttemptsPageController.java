package dev.vlmr1.studio.run;

import java.util.List;

import org.springframework.http.MediaType;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

import dev.vlmr1.studio.web.CurrentUser;

/**
 * The run page's JSON twin of {@code GET /api/runs/{id}/attempts} (the page sends its session cookie, not a
 * bearer token): the page reloads its attempt history when a state event says an attempt began or ended.
 */
@RestController
class RunAttemptsPageController {

	private final RunAccess access;

	private final RunManagement runs;

	RunAttemptsPageController(RunAccess access, RunManagement runs) {
		this.access = access;
		this.runs = runs;
	}

	@GetMapping(path = "/runs/{id}/attempts", produces = MediaType.APPLICATION_JSON_VALUE)
	List<RunAttempt> attempts(@AuthenticationPrincipal CurrentUser user, @PathVariable long id) {
		return runs.attempts(access.require(id, user).id());
	}

}

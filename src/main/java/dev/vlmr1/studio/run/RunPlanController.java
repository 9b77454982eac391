package dev.vlmr1.studio.run;

import java.util.Map;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import dev.vlmr1.studio.web.ApiProblem;
import dev.vlmr1.studio.web.CurrentUser;

/**
 * The memory plan of a draft run: {@code POST /api/runs/plan} takes the body of {@code POST /api/runs} (only type,
 * model and hyperparameters are needed), {@code POST /runs/plan} the new-run form's fields for the page (session and
 * CSRF token). Both answer the plan whether it fits or not; creating a run that does not fit is refused.
 */
@RestController
class RunPlanController {

	private final RunMemoryPlans plans;

	private final JsonMapper json;

	RunPlanController(RunMemoryPlans plans, JsonMapper json) {
		this.plans = plans;
		this.json = json;
	}

	@PostMapping("/api/runs/plan")
	PlanView plan(@AuthenticationPrincipal @Nullable CurrentUser user, @RequestBody Map<String, Object> body) {
		return plans.draft(RunAccess.authenticated(user), body);
	}

	/** The page's twin; a problem is answered as problem JSON too (a page path would render the error page). */
	@PostMapping("/runs/plan")
	ResponseEntity<?> planForm(@AuthenticationPrincipal @Nullable CurrentUser user,
			@RequestParam Map<String, String> form) {
		try {
			return ResponseEntity.ok(plans.draft(RunAccess.authenticated(user), RunForm.toBody(form, json)));
		}
		catch (ApiProblem problem) {
			return ResponseEntity.status(problem.status())
				.contentType(MediaType.APPLICATION_PROBLEM_JSON)
				.body(problem.toProblemDetail());
		}
	}

}

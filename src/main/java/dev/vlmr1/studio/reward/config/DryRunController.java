package dev.vlmr1.studio.reward.config;

import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import dev.vlmr1.studio.reward.RewardBatch;
import dev.vlmr1.studio.reward.RewardConfiguration;
import dev.vlmr1.studio.reward.RewardTerm;
import dev.vlmr1.studio.web.CurrentUser;

/**
 * Scores hand-written completions against samples with a stored configuration and returns each function's
 * score and parse (extracted and rescaled box, detections, …), so users debug rewards before spending GPU
 * time. Served under {@code /api} for token clients and under {@code /rewards} for the form page (session
 * and CSRF token).
 */
@RestController
class DryRunController {

	private final RewardConfigManagement configs;

	private final JsonMapper json;

	DryRunController(RewardConfigManagement configs, JsonMapper json) {
		this.configs = configs;
		this.json = json;
	}

	@PostMapping({ "/api/reward-configs/{id}/dry-run", "/rewards/{id}/dry-run" })
	RewardBatch dryRun(@AuthenticationPrincipal @Nullable CurrentUser user, @PathVariable long id,
			@RequestBody Map<String, Object> body) {
		RewardConfigView config = configs.get(id, RewardConfigApiController.authenticated(user));
		DryRunRequest request = DryRunRequest.parse(body);
		List<RewardTerm> terms = RewardConfigRequest.toTerms(config.terms(), json);
		return RewardConfiguration.of(terms).dryRun(request.completions(), request.samples());
	}

}

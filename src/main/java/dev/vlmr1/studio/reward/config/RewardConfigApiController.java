package dev.vlmr1.studio.reward.config;

import java.net.URI;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import dev.vlmr1.studio.reward.RewardFunctionSpec;
import dev.vlmr1.studio.reward.RewardRegistry;
import dev.vlmr1.studio.web.ApiProblem;
import dev.vlmr1.studio.web.CurrentUser;

/**
 * {@code /api/reward-configs}: CRUD with validation against the reward registry (every violation at once),
 * versioning of used configurations and the function catalogue (the dry run is {@link DryRunController}).
 */
@RestController
@RequestMapping("/api/reward-configs")
class RewardConfigApiController {

	private final RewardConfigManagement configs;

	private final JsonMapper json;

	RewardConfigApiController(RewardConfigManagement configs, JsonMapper json) {
		this.configs = configs;
		this.json = json;
	}

	@GetMapping
	List<RewardConfigView> list(@AuthenticationPrincipal @Nullable CurrentUser user,
			@RequestParam(defaultValue = "false") boolean allVersions) {
		return configs.list(authenticated(user), !allVersions);
	}

	/** The registry: every function with its parameters, for forms and clients. */
	@GetMapping("/functions")
	List<RewardFunctionSpec> functions() {
		return RewardRegistry.standard().functions();
	}

	@GetMapping("/{id}")
	RewardConfigView get(@AuthenticationPrincipal @Nullable CurrentUser user, @PathVariable long id) {
		return configs.get(id, authenticated(user));
	}

	@PostMapping
	ResponseEntity<RewardConfigView> create(@AuthenticationPrincipal @Nullable CurrentUser user,
			@RequestBody Map<String, Object> body) {
		RewardConfigView created = configs.create(authenticated(user), RewardConfigRequest.parse(body, json));
		return ResponseEntity.created(URI.create("/api/reward-configs/" + created.id())).body(created);
	}

	/**
	 * Updates in place (200, same id) while unused; a used configuration gets a new version instead (201,
	 * new id, {@code Location} of the new version).
	 */
	@PutMapping("/{id}")
	ResponseEntity<RewardConfigView> update(@AuthenticationPrincipal @Nullable CurrentUser user, @PathVariable long id,
			@RequestBody Map<String, Object> body) {
		RewardConfigView updated = configs.update(id, authenticated(user), RewardConfigRequest.parse(body, json));
		if (updated.id() == id) {
			return ResponseEntity.ok(updated);
		}
		return ResponseEntity.created(URI.create("/api/reward-configs/" + updated.id())).body(updated);
	}

	@DeleteMapping("/{id}")
	ResponseEntity<Void> delete(@AuthenticationPrincipal @Nullable CurrentUser user, @PathVariable long id) {
		configs.delete(id, authenticated(user));
		return ResponseEntity.noContent().build();
	}

	static CurrentUser authenticated(@Nullable CurrentUser user) {
		if (user == null) {
			throw new ApiProblem(HttpStatus.UNAUTHORIZED, "unauthenticated", "Unauthenticated", "log in or send a bearer token");
		}
		return user;
	}

}

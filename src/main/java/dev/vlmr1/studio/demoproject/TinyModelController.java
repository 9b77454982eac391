package dev.vlmr1.studio.demoproject;

import java.net.URI;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseBody;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

import dev.vlmr1.studio.catalog.CatalogModel;
import dev.vlmr1.studio.web.ApiProblem;
import dev.vlmr1.studio.web.CurrentUser;

/**
 * {@code POST /api/models/tiny {"name": "…", "seed": 0}} (201 with the registered model) and the models page's
 * "Create tiny model" form ({@code POST /models/tiny}).
 */
@Controller
class TinyModelController {

	private final TinyModels tinyModels;

	TinyModelController(TinyModels tinyModels) {
		this.tinyModels = tinyModels;
	}

	@PostMapping("/api/models/tiny")
	@ResponseBody
	ResponseEntity<CatalogModel> create(@AuthenticationPrincipal CurrentUser user,
			@RequestBody Map<String, Object> body) {
		if (!(body.get("name") instanceof String name)) {
			throw ApiProblem.badRequest("model-invalid", "name is required").with("field", "name");
		}
		Object seed = body.getOrDefault("seed", 0);
		if (!(seed instanceof Integer || seed instanceof Long)) {
			throw ApiProblem.badRequest("model-invalid", "seed must be an integer").with("field", "seed");
		}
		CatalogModel model = tinyModels.create(user, name, ((Number) seed).longValue());
		return ResponseEntity.created(URI.create("/api/models/" + model.id())).body(model);
	}

	@PostMapping("/models/tiny")
	String createFromPage(@AuthenticationPrincipal CurrentUser user, @RequestParam String name,
			@RequestParam(required = false) @Nullable Long seed, RedirectAttributes redirect) {
		try {
			redirect.addFlashAttribute("registered", tinyModels.create(user, name, seed == null ? 0 : seed).name());
		}
		catch (ApiProblem problem) {
			redirect.addFlashAttribute("error", problem.getMessage());
		}
		return "redirect:/models";
	}

}

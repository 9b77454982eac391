package dev.vlmr1.studio.dataset;

import java.util.List;
import java.util.Map;

import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import dev.vlmr1.studio.web.ApiProblem;
import dev.vlmr1.studio.web.CurrentUser;

import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.server.ResponseStatusException;

/**
 * Dataset pages: the list, the upload page (its script posts to {@code /datasets/data} and polls progress) and a
 * dataset's page (summary, files, validation report, and a gallery its script fills with samples and boxes).
 */
@Controller
class DatasetController {

	private static final TypeReference<List<Map<String, Object>>> REPORT = new TypeReference<>() {
	};

	private final DatasetQueries queries;

	private final DatasetRemoval removal;

	private final JsonMapper json;

	DatasetController(DatasetQueries queries, DatasetRemoval removal, JsonMapper json) {
		this.queries = queries;
		this.removal = removal;
		this.json = json;
	}

	@GetMapping("/datasets")
	String list(@AuthenticationPrincipal CurrentUser user, Model model) {
		model.addAttribute("datasets", queries.list(user));
		return "datasets/list";
	}

	@GetMapping("/datasets/new")
	String uploadForm() {
		return "datasets/new";
	}

	@GetMapping("/datasets/{id}")
	String show(@AuthenticationPrincipal CurrentUser user, @PathVariable long id, Model model) {
		DatasetViews.Detail detail = pageOrNotFound(() -> queries.detail(id, user));
		model.addAttribute("dataset", detail);
		model.addAttribute("report", json.convertValue(detail.report(), REPORT));
		model.addAttribute("normalised", json.convertValue(detail.normalised(), REPORT));
		return "datasets/detail";
	}

	@PostMapping("/datasets/{id}/delete")
	String delete(@AuthenticationPrincipal CurrentUser user, @PathVariable long id) {
		pageOrNotFound(() -> {
			removal.delete(id, user);
			return id;
		});
		return "redirect:/datasets";
	}

	/** Turns the API's problems into page errors (404 page, 409 page). */
	private static <T> T pageOrNotFound(java.util.function.Supplier<T> action) {
		try {
			return action.get();
		}
		catch (ApiProblem problem) {
			throw new ResponseStatusException(problem.status(), problem.getMessage());
		}
	}

}

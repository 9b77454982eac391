package dev.vlmr1.studio.catalog;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;

import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

import dev.vlmr1.studio.model.lora.PeftAdapterFiles;
import dev.vlmr1.studio.web.ApiProblem;
import dev.vlmr1.studio.web.CurrentUser;

/** The models page: the registered checkpoints, a form to register one, and merging an adapter into its base. */
@Controller
class ModelController {

	private final ModelCatalog catalog;

	private final ModelMerges merges;

	ModelController(ModelCatalog catalog, ModelMerges merges) {
		this.catalog = catalog;
		this.merges = merges;
	}

	@GetMapping("/models")
	String models(@AuthenticationPrincipal CurrentUser user, Model model) {
		model.addAttribute("user", user);
		List<CatalogModel> models = catalog.list(user);
		model.addAttribute("models", models);
		// the caller's own adapters can be merged; the page shows a button for them
		model.addAttribute("mergeable", models.stream()
			.filter((m) -> m.ownerId() == user.id() && PeftAdapterFiles.isAdapter(Path.of(m.path())))
			.map(CatalogModel::id)
			.collect(Collectors.toSet()));
		List<ModelMerge> ownMerges = merges.list(user);
		model.addAttribute("merges", ownMerges);
		model.addAttribute("merging", ownMerges.stream().anyMatch(ModelMerge::active));
		model.addAttribute("roots", catalog.importRoots());
		return "models/models";
	}

	@PostMapping("/models")
	String register(@AuthenticationPrincipal CurrentUser user, @RequestParam String name, @RequestParam String path,
			RedirectAttributes redirect) {
		try {
			var registered = catalog.register(user, name, path);
			redirect.addFlashAttribute("registered", registered.name());
		}
		catch (ApiProblem problem) {
			redirect.addFlashAttribute("error", problem.getMessage());
			redirect.addFlashAttribute("name", name);
			redirect.addFlashAttribute("path", path);
		}
		return "redirect:/models";
	}

	@PostMapping("/models/{id}/merge")
	String merge(@AuthenticationPrincipal CurrentUser user, @PathVariable long id,
			@RequestParam(required = false) @Nullable String name, @RequestParam(required = false) @Nullable String dtype,
			RedirectAttributes redirect) {
		try {
			ModelMerge merge = merges.start(user, id, blankToNull(name), blankToNull(dtype));
			redirect.addFlashAttribute("mergeStarted", merge.name());
		}
		catch (ApiProblem problem) {
			if (problem.getStatusCode().value() == 404) {
				throw problem;
			}
			redirect.addFlashAttribute("error", problem.getMessage());
		}
		return "redirect:/models";
	}

	private static @Nullable String blankToNull(@Nullable String value) {
		return value == null || value.isBlank() ? null : value;
	}

	@PostMapping("/models/{id}/delete")
	String delete(@AuthenticationPrincipal CurrentUser user, @PathVariable long id, RedirectAttributes redirect) {
		catalog.delete(user, id);
		redirect.addFlashAttribute("deleted", id);
		return "redirect:/models";
	}

}

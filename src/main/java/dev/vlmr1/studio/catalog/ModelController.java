package dev.vlmr1.studio.catalog;

import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

import dev.vlmr1.studio.web.ApiProblem;
import dev.vlmr1.studio.web.CurrentUser;

/** The models page: the registered checkpoints and a form to register one. */
@Controller
class ModelController {

	private final ModelCatalog catalog;

	ModelController(ModelCatalog catalog) {
		this.catalog = catalog;
	}

	@GetMapping("/models")
	String models(@AuthenticationPrincipal CurrentUser user, Model model) {
		model.addAttribute("user", user);
		model.addAttribute("models", catalog.list(user));
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

	@PostMapping("/models/{id}/delete")
	String delete(@AuthenticationPrincipal CurrentUser user, @PathVariable long id, RedirectAttributes redirect) {
		catalog.delete(user, id);
		redirect.addFlashAttribute("deleted", id);
		return "redirect:/models";
	}

}

package dev.vlmr1.studio.demoproject;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseBody;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

import dev.vlmr1.studio.experiment.ExperimentPlan;
import dev.vlmr1.studio.web.ApiProblem;
import dev.vlmr1.studio.web.CurrentUser;

/**
 * The experiment pages: the home page's "Run the RL-vs-SFT experiment" button ({@code POST /experiments}, a form
 * with CSRF whose non-blank fields override the standard plan), the list, one experiment's page and its
 * session-authenticated JSON twin ({@code /experiments/{id}/data}) that the page polls.
 */
@Controller
class ExperimentController {

	private final ExperimentLauncher launcher;

	private final ExperimentStore store;

	private final ExperimentViews views;

	ExperimentController(ExperimentLauncher launcher, ExperimentStore store, ExperimentViews views) {
		this.launcher = launcher;
		this.store = store;
		this.views = views;
	}

	@PostMapping("/experiments")
	String create(@AuthenticationPrincipal CurrentUser user, @RequestParam Map<String, String> form,
			RedirectAttributes redirect) {
		Map<String, String> overrides = new LinkedHashMap<>(form);
		overrides.remove("_csrf");
		overrides.values().removeIf(String::isBlank);
		try {
			long id = launcher.start(user, PlanOverrides.apply(ExperimentPlan.standard(), overrides));
			return "redirect:/experiments/" + id;
		}
		catch (ApiProblem problem) {
			redirect.addFlashAttribute("experimentError", "The experiment was not started: " + problem.getMessage());
			return "redirect:/experiments";
		}
	}

	@GetMapping("/experiments")
	String list(@AuthenticationPrincipal CurrentUser user, Model model) {
		model.addAttribute("experiments", store.list(user).stream().map(views::summary).toList());
		model.addAttribute("standard", PlanOverrides.toMap(ExperimentPlan.standard()));
		model.addAttribute("overridable", PlanOverrides.overridable());
		return "experiments/list";
	}

	@GetMapping("/experiments/{id}")
	String show(@AuthenticationPrincipal CurrentUser user, @PathVariable long id, Model model) {
		model.addAttribute("experiment", views.view(store.find(user, id)));
		return "experiments/detail";
	}

	@GetMapping("/experiments/{id}/data")
	@ResponseBody
	ExperimentViews.View data(@AuthenticationPrincipal CurrentUser user, @PathVariable long id) {
		return views.view(store.find(user, id));
	}

}

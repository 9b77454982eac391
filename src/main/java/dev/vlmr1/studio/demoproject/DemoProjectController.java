package dev.vlmr1.studio.demoproject;

import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

import dev.vlmr1.studio.web.CurrentUser;

/** The home page's "Create demo project" button ({@code POST /demo-project}, a form with CSRF). */
@Controller
class DemoProjectController {

	private final DemoProject demoProject;

	DemoProjectController(DemoProject demoProject) {
		this.demoProject = demoProject;
	}

	@PostMapping("/demo-project")
	String create(@AuthenticationPrincipal CurrentUser user, RedirectAttributes redirect) {
		try {
			DemoProject.Created created = demoProject.create(user, DemoProjectPlan.standard());
			redirect.addFlashAttribute("message", "Demo project created: SFT warm-up run " + created.sftRunId()
					+ " queued; the GRPO run follows from its checkpoint.");
			return "redirect:/runs";
		}
		catch (RuntimeException ex) {
			redirect.addFlashAttribute("demoError", "The demo project could not be created: " + ex.getMessage());
			return "redirect:/";
		}
	}

}

package dev.vlmr1.studio.run;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import tools.jackson.databind.json.JsonMapper;

import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

import dev.vlmr1.studio.catalog.ModelCatalog;
import dev.vlmr1.studio.reward.config.RewardConfigManagement;
import dev.vlmr1.studio.web.ApiProblem;
import dev.vlmr1.studio.web.CurrentUser;
import dev.vlmr1.studio.web.PageWindow;

/**
 * Run pages: the list, the new-run form (hyperparameters pre-filled with VLM-R1's defaults, every problem
 * shown at once), and the run page whose charts and event log are fed by the SSE stream (run-live.ts).
 */
@Controller
class RunController {

	private static final int PAGE_SIZE = 50;

	private final RunStore store;

	private final RunManagement runs;

	private final RunCreation creation;

	private final RunAccess access;

	private final RunTelemetryStore telemetry;

	private final RewardConfigManagement rewardConfigs;

	private final ModelCatalog models;

	private final JsonMapper json;

	RunController(RunStore store, RunManagement runs, RunCreation creation, RunAccess access,
			RunTelemetryStore telemetry, RewardConfigManagement rewardConfigs, ModelCatalog models, JsonMapper json) {
		this.store = store;
		this.runs = runs;
		this.creation = creation;
		this.access = access;
		this.telemetry = telemetry;
		this.rewardConfigs = rewardConfigs;
		this.models = models;
		this.json = json;
	}

	@GetMapping("/runs")
	String list(@AuthenticationPrincipal CurrentUser user, @RequestParam(defaultValue = "0") int page, Model model) {
		Long owner = user.admin() ? null : user.id();
		PageWindow window = PageWindow.clamped(page, PAGE_SIZE, PAGE_SIZE);
		model.addAttribute("runs", store.list(owner, window.offset(), PAGE_SIZE).stream().map(RunView::of).toList());
		model.addAttribute("page", window.page());
		model.addAttribute("hasMore", window.hasMoreThan(store.count(owner)));
		return "runs/runList";
	}

	@GetMapping("/runs/new")
	String initCreationForm(@AuthenticationPrincipal CurrentUser user, Model model) {
		Map<String, String> values = new LinkedHashMap<>();
		values.put("type", "grpo");
		values.put("maxAttempts", "3");
		Hyperparameters.SPEC.forEach(h -> values.put("hp." + h.name(), h.defaultValue() == null ? "" : h.defaultValue().toString()));
		return form(user, model, values, List.of());
	}

	@PostMapping("/runs")
	String processCreationForm(@AuthenticationPrincipal CurrentUser user, @RequestParam Map<String, String> form,
			Model model) {
		try {
			RunCreation.Outcome outcome = creation.create(user, RunForm.toBody(form, json), null);
			return "redirect:/runs/" + outcome.runId();
		}
		catch (ApiProblem problem) {
			return form(user, model, form, RunForm.messages(problem));
		}
	}

	@GetMapping("/runs/{id}")
	String show(@AuthenticationPrincipal CurrentUser user, @PathVariable long id, Model model) {
		RunDetails run = access.require(id, user);
		model.addAttribute("run", RunView.of(run));
		model.addAttribute("checkpoints", telemetry.checkpoints(id));
		model.addAttribute("attempts", runs.attempts(run.id()));
		model.addAttribute("hyperparameters", new java.util.TreeMap<>(run.hyperparameters()));
		return "runs/runDetails";
	}

	@PostMapping("/runs/{id}/cancel")
	String cancel(@AuthenticationPrincipal CurrentUser user, @PathVariable long id) {
		RunDetails run = access.require(id, user);
		if (!run.state().isTerminal()) {
			runs.cancel(run.id(), "cancelled by " + user.username());
		}
		return "redirect:/runs/" + id;
	}

	private String form(CurrentUser user, Model model, Map<String, String> values, List<String> errors) {
		model.addAttribute("values", values);
		model.addAttribute("errors", errors);
		model.addAttribute("hyperparameters", Hyperparameters.SPEC);
		model.addAttribute("models", models.list(user));
		model.addAttribute("rewardConfigs", rewardConfigs.list(user, true));
		model.addAttribute("types", List.of("grpo", "sft", "eval"));
		List<String> invalid = new ArrayList<>();
		errors.forEach(e -> invalid.add(e.split(":", 2)[0]));
		model.addAttribute("invalidFields", invalid);
		return "runs/runForm";
	}

}

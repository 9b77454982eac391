package dev.vlmr1.studio.reward.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

import dev.vlmr1.studio.reward.RewardRegistry;
import dev.vlmr1.studio.web.ApiProblem;
import dev.vlmr1.studio.web.CurrentUser;

/**
 * Pages for reward configurations: the list, and one form (create or edit) with a row per function. The
 * form goes through the same validation as the REST API and shows every problem next to its row.
 */
@Controller
class RewardConfigController {

	static final int EMPTY_ROWS = 2;

	private final RewardConfigManagement configs;

	private final JsonMapper json;

	RewardConfigController(RewardConfigManagement configs, JsonMapper json) {
		this.configs = configs;
		this.json = json;
	}

	@GetMapping("/rewards")
	String list(@AuthenticationPrincipal CurrentUser user, @RequestParam(defaultValue = "false") boolean allVersions,
			Model model) {
		model.addAttribute("configs", configs.list(user, !allVersions));
		model.addAttribute("allVersions", allVersions);
		return "rewards/rewardList";
	}

	@GetMapping("/rewards/new")
	String initCreateForm(Model model) {
		return form(model, null, "", "", List.of(), List.of());
	}

	@GetMapping("/rewards/{id}/edit")
	String initUpdateForm(@AuthenticationPrincipal CurrentUser user, @PathVariable long id, Model model) {
		RewardConfigView config = configs.get(id, user);
		List<Row> rows = config.terms().stream()
			.map(t -> new Row(String.valueOf(t.get("function")), String.valueOf(t.get("weight")),
					json.writeValueAsString(t.getOrDefault("params", Map.of()))))
			.toList();
		return form(model, config, config.name(), config.description(), rows, List.of());
	}

	@PostMapping("/rewards")
	String processCreateForm(@AuthenticationPrincipal CurrentUser user, @RequestParam(defaultValue = "") String name,
			@RequestParam(defaultValue = "") String description,
			@RequestParam(name = "function", required = false) @Nullable List<String> functions,
			@RequestParam(name = "weight", required = false) @Nullable List<String> weights,
			@RequestParam(name = "params", required = false) @Nullable List<String> params, Model model) {
		List<Row> rows = rows(functions, weights, params);
		try {
			RewardConfigView created = configs.create(user, RewardConfigRequest.parse(body(name, description, rows), json));
			return "redirect:/rewards?saved=" + created.id();
		}
		catch (ApiProblem problem) {
			return form(model, null, name, description, rows, messages(problem));
		}
	}

	@PostMapping("/rewards/{id}")
	String processUpdateForm(@AuthenticationPrincipal CurrentUser user, @PathVariable long id,
			@RequestParam(defaultValue = "") String name, @RequestParam(defaultValue = "") String description,
			@RequestParam(name = "function", required = false) @Nullable List<String> functions,
			@RequestParam(name = "weight", required = false) @Nullable List<String> weights,
			@RequestParam(name = "params", required = false) @Nullable List<String> params, Model model) {
		RewardConfigView current = configs.get(id, user);
		List<Row> rows = rows(functions, weights, params);
		try {
			RewardConfigView saved = configs.update(id, user, RewardConfigRequest.parse(body(name, description, rows), json));
			return "redirect:/rewards?saved=" + saved.id();
		}
		catch (ApiProblem problem) {
			return form(model, current, name, description, rows, messages(problem));
		}
	}

	@PostMapping("/rewards/{id}/delete")
	String delete(@AuthenticationPrincipal CurrentUser user, @PathVariable long id) {
		configs.delete(id, user);
		return "redirect:/rewards";
	}

	private String form(Model model, @Nullable RewardConfigView config, String name, String description, List<Row> rows,
			List<String> errors) {
		List<Row> all = new ArrayList<>(rows);
		for (int i = 0; i < EMPTY_ROWS; i++) {
			all.add(new Row("", "1.0", "{}"));
		}
		model.addAttribute("config", config);
		model.addAttribute("name", name);
		model.addAttribute("description", description);
		model.addAttribute("rows", all);
		model.addAttribute("errors", errors);
		model.addAttribute("functions", RewardRegistry.standard().functions());
		return "rewards/rewardForm";
	}

	/** The filled rows (a row without a function is an unused blank row). */
	private static List<Row> rows(@Nullable List<String> functions, @Nullable List<String> weights,
			@Nullable List<String> params) {
		List<Row> rows = new ArrayList<>();
		int n = functions == null ? 0 : functions.size();
		for (int i = 0; i < n; i++) {
			String fn = functions.get(i).strip();
			if (!fn.isEmpty()) {
				rows.add(new Row(fn, at(weights, i, "1.0"), at(params, i, "{}")));
			}
		}
		return rows;
	}

	/** The same body a REST client would send; text the user typed is kept as typed where it is not JSON. */
	private Map<String, Object> body(String name, String description, List<Row> rows) {
		List<Object> terms = new ArrayList<>();
		for (Row row : rows) {
			Map<String, Object> term = new LinkedHashMap<>();
			term.put("function", row.function());
			term.put("weight", parseOrKeep(row.weight()));
			term.put("params", row.params().isBlank() ? Map.of() : parseOrKeep(row.params()));
			terms.add(term);
		}
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("name", name);
		body.put("description", description);
		body.put("terms", terms);
		return body;
	}

	private Object parseOrKeep(String text) {
		try {
			return json.readValue(text, Object.class);
		}
		catch (JacksonException ex) {
			return text;
		}
	}

	@SuppressWarnings("unchecked")
	private static List<String> messages(ApiProblem problem) {
		Object errors = problem.toProblemDetail().getProperties() == null ? null
				: problem.toProblemDetail().getProperties().get("errors");
		if (!(errors instanceof List<?> list)) {
			return List.of(problem.getMessage());
		}
		return list.stream().map(e -> {
			Map<String, Object> m = (Map<String, Object>) e;
			int index = (Integer) m.get("index");
			String where = index < 0 ? "" : "Row " + (index + 1) + " · ";
			String field = String.valueOf(m.get("field"));
			return where + (field.isEmpty() ? "" : field + ": ") + m.get("message");
		}).toList();
	}

	private static String at(@Nullable List<String> values, int i, String fallback) {
		return values != null && i < values.size() ? values.get(i) : fallback;
	}

	/** One function row of the form, as text. */
	record Row(String function, String weight, String params) {
	}

}

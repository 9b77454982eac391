package dev.vlmr1.studio.compare;

import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;

import dev.vlmr1.studio.web.ApiProblem;
import dev.vlmr1.studio.web.CurrentUser;

/**
 * The comparison page: pick runs with checkboxes (a GET form, so a comparison is a link one can share), see
 * the final-metrics table rendered here and the overlaid curves drawn by {@code compare-charts.ts} from
 * {@code /compare/data}.
 */
@Controller
class CompareController {

	private final RunComparisons comparisons;

	CompareController(RunComparisons comparisons) {
		this.comparisons = comparisons;
	}

	@GetMapping("/compare")
	String compare(@AuthenticationPrincipal CurrentUser user, @RequestParam(required = false) @Nullable List<Long> runs,
			Model model) {
		model.addAttribute("choices", comparisons.choices(user));
		model.addAttribute("selected", runs == null ? List.of() : runs);
		model.addAttribute("maxRuns", RunComparisons.MAX_RUNS);
		if (runs != null && !runs.isEmpty()) {
			try {
				model.addAttribute("comparison", comparisons.compare(user, runs, null));
			}
			catch (ApiProblem problem) {
				// a bad selection is shown on the page; a foreign or missing run stays a 404
				if (problem.status() != HttpStatus.BAD_REQUEST) {
					throw problem;
				}
				model.addAttribute("error", problem.getMessage());
			}
		}
		return "compare/compare";
	}

}

package dev.vlmr1.studio.security;

import org.jspecify.annotations.Nullable;

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

/**
 * The account page: since the API only accepts bearer tokens, this is where a logged-in user creates the first
 * one. A new token's secret is shown on the next page view only (a flash attribute), then never again.
 */
@Controller
class AccountController {

	private final ApiTokens tokens;

	AccountController(ApiTokens tokens) {
		this.tokens = tokens;
	}

	@GetMapping("/account")
	String account(@AuthenticationPrincipal CurrentUser user, Model model) {
		model.addAttribute("user", user);
		model.addAttribute("tokens", tokens.list(user));
		model.addAttribute("scopes", TokenScope.values());
		return "account/account";
	}

	@PostMapping("/account/tokens")
	String createToken(@AuthenticationPrincipal CurrentUser user, @RequestParam String name,
			@RequestParam TokenScope scope, @RequestParam(required = false) @Nullable Integer expiresInDays,
			RedirectAttributes redirect) {
		try {
			redirect.addFlashAttribute("issued", tokens.issue(user, name, scope, expiresInDays));
		}
		catch (ApiProblem problem) {
			redirect.addFlashAttribute("error", problem.getMessage());
		}
		return "redirect:/account";
	}

	@PostMapping("/account/tokens/{id}/revoke")
	String revokeToken(@AuthenticationPrincipal CurrentUser user, @PathVariable long id,
			RedirectAttributes redirect) {
		tokens.revoke(user, id);
		redirect.addFlashAttribute("revoked", id);
		return "redirect:/account";
	}

}

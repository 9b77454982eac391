package dev.vlmr1.studio.security;

import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.vlmr1.studio.web.ApiProblem;
import dev.vlmr1.studio.web.CurrentUser;

/** {@code /api/tokens}: a user's own API tokens. The secret is in the creation response only. */
@RestController
@RequestMapping("/api/tokens")
class TokenApiController {

	/** What a client sends to create a token; scope defaults to WRITE, no expiry by default. */
	record CreateTokenRequest(@Nullable String name, @Nullable TokenScope scope, @Nullable Integer expiresInDays) {
	}

	private final ApiTokens tokens;

	TokenApiController(ApiTokens tokens) {
		this.tokens = tokens;
	}

	/** A token made through the API is bounded by the token that asks for it ({@link ApiTokens#issueUnder}). */
	@PostMapping
	ResponseEntity<IssuedToken> create(@AuthenticationPrincipal CurrentUser user, Authentication authentication,
			@RequestBody CreateTokenRequest request) {
		if (request.name() == null) {
			throw ApiProblem.badRequest("token-invalid", "name is required").with("field", "name");
		}
		TokenScope scope = request.scope() == null ? TokenScope.WRITE : request.scope();
		IssuedToken issued = authentication instanceof ApiTokenAuthentication parent
				? tokens.issueUnder(parent, request.name(), scope, request.expiresInDays())
				: tokens.issue(user, request.name(), scope, request.expiresInDays());
		return ResponseEntity.status(HttpStatus.CREATED).body(issued);
	}

	@GetMapping
	List<TokenSummary> list(@AuthenticationPrincipal CurrentUser user) {
		return tokens.list(user);
	}

	@DeleteMapping("/{id}")
	ResponseEntity<Void> revoke(@AuthenticationPrincipal CurrentUser user, @PathVariable long id) {
		tokens.revoke(user, id);
		return ResponseEntity.noContent().build();
	}

}

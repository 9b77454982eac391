package dev.vlmr1.studio.security;

import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.vlmr1.studio.web.ApiProblem;
import dev.vlmr1.studio.web.CurrentUser;

/** {@code /api/users}: administrators create and list users; {@code /api/users/me} tells anyone who they are. */
@RestController
@RequestMapping("/api/users")
class UserApiController {

	/** A new user; role defaults to USER. */
	record CreateUserRequest(@Nullable String username, @Nullable String password, @Nullable Role role) {
	}

	private final UserAccounts accounts;

	UserApiController(UserAccounts accounts) {
		this.accounts = accounts;
	}

	@PostMapping
	ResponseEntity<CurrentUser> create(@AuthenticationPrincipal CurrentUser user,
			@RequestBody CreateUserRequest request) {
		requireAdmin(user);
		if (request.username() == null) {
			throw ApiProblem.badRequest("user-invalid", "username is required").with("field", "username");
		}
		if (request.password() == null) {
			throw ApiProblem.badRequest("user-invalid", "password is required").with("field", "password");
		}
		Role role = request.role() == null ? Role.USER : request.role();
		return ResponseEntity.status(HttpStatus.CREATED)
			.body(accounts.create(request.username(), request.password(), role));
	}

	@GetMapping
	List<UserSummary> list(@AuthenticationPrincipal CurrentUser user) {
		requireAdmin(user);
		return accounts.list();
	}

	@GetMapping("/me")
	CurrentUser me(@AuthenticationPrincipal CurrentUser user) {
		return user;
	}

	private static void requireAdmin(CurrentUser user) {
		if (!user.admin()) {
			throw ApiProblem.forbidden("only administrators manage users");
		}
	}

}

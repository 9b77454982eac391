package dev.vlmr1.studio.run;

import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

import dev.vlmr1.studio.web.ApiProblem;
import dev.vlmr1.studio.web.CurrentUser;

/** Loads runs for a user: someone else's run answers 404 exactly like a missing one. */
@Component
class RunAccess {

	private final RunManagement runs;

	RunAccess(RunManagement runs) {
		this.runs = runs;
	}

	RunDetails require(long id, @Nullable CurrentUser user) {
		CurrentUser who = authenticated(user);
		return runs.find(new RunId(id)).filter(r -> who.canAccess(r.ownerId()))
			.orElseThrow(() -> ApiProblem.notFound("run " + id));
	}

	static CurrentUser authenticated(@Nullable CurrentUser user) {
		if (user == null) {
			throw new ApiProblem(HttpStatus.UNAUTHORIZED, "unauthenticated", "Unauthenticated", "log in or send a bearer token");
		}
		return user;
	}

}

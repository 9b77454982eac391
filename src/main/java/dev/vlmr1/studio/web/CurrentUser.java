package dev.vlmr1.studio.web;

import java.io.Serializable;
import java.security.Principal;

/**
 * The authenticated user, as every module sees it. Security makes this the principal of every authenticated
 * request, whether it came through form login or an API token, so controllers take it with
 * {@code @AuthenticationPrincipal CurrentUser user}.
 *
 * @param id the user's id (owner ids in every module refer to it)
 * @param username the login name
 * @param admin admins see and manage everything
 */
public record CurrentUser(long id, String username, boolean admin) implements Serializable, Principal {

	/** Whether this user may see or change a resource owned by {@code ownerId}. */
	public boolean canAccess(long ownerId) {
		return admin || id == ownerId;
	}

	/** The login name, so that {@code Authentication.getName()} and {@code sec:authentication="name"} show it. */
	@Override
	public String getName() {
		return username;
	}

}

package dev.vlmr1.studio.web;

import java.io.Serializable;

/**
 * The authenticated user, as every module sees it. Security makes this the principal of every authenticated
 * request, whether it came through form login or an API token, so controllers take it with
 * {@code @AuthenticationPrincipal CurrentUser user}.
 *
 * @param id the user's id (owner ids in every module refer to it)
 * @param username the login name
 * @param admin admins see and manage everything
 */
public record CurrentUser(long id, String username, boolean admin) implements Serializable {

	/** Whether this user may see or change a resource owned by {@code ownerId}. */
	public boolean canAccess(long ownerId) {
		return admin || id == ownerId;
	}

}

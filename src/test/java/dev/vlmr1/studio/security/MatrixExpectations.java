package dev.vlmr1.studio.security;

import java.util.List;

import dev.vlmr1.studio.security.MatrixEntry.Reach;
import dev.vlmr1.studio.security.MatrixEntry.Surface;

/**
 * The rules that fill every cell of {@link AuthorizationMatrix} from an entry's authorized status: who is refused
 * (401, 403, a redirect to the login page) and where a resource looks missing (404).
 */
final class MatrixExpectations {

	/**
	 * Who calls. OWNER, READ_TOKEN and REVOKED_TOKEN are alice; OTHER is bob; BEARER_ON_PAGE sends alice's bearer
	 * token to a page (pages accept only the session).
	 */
	enum Caller {

		ANONYMOUS, OWNER, OTHER, ADMIN, READ_TOKEN, REVOKED_TOKEN, BEARER_ON_PAGE

	}

	/** Whose resource the path names, seen from the caller: its own, someone else's, or none at all. */
	enum Target {

		OWN, FOREIGN, MISSING

	}

	/** A page refusal: a redirect to the login page, never a 401. */
	static final int LOGIN_REDIRECT = 302;

	static final List<Caller> API_CALLERS = List.of(Caller.ANONYMOUS, Caller.REVOKED_TOKEN, Caller.OWNER, Caller.OTHER,
			Caller.ADMIN, Caller.READ_TOKEN);

	static final List<Caller> PAGE_CALLERS = List.of(Caller.ANONYMOUS, Caller.BEARER_ON_PAGE, Caller.OWNER, Caller.OTHER,
			Caller.ADMIN);

	private MatrixExpectations() {
	}

	static List<Caller> callers(MatrixEntry entry) {
		return entry.surface() == Surface.API ? API_CALLERS : PAGE_CALLERS;
	}

	/** The targets worth calling: all three where the path names a resource, else one (OWN) for "no resource". */
	static List<Target> targets(MatrixEntry entry) {
		return entry.resource() == MatrixResource.NONE ? List.of(Target.OWN) : List.of(Target.values());
	}

	static int expected(MatrixEntry entry, Caller caller, Target target) {
		if (entry.surface() == Surface.PAGE && (caller == Caller.ANONYMOUS || caller == Caller.BEARER_ON_PAGE)) {
			return LOGIN_REDIRECT;
		}
		if (caller == Caller.ANONYMOUS || caller == Caller.REVOKED_TOKEN) {
			return 401;
		}
		if (caller == Caller.READ_TOKEN && entry.writes()) {
			return 403;
		}
		if (entry.reach() == Reach.ADMIN_ONLY && caller != Caller.ADMIN) {
			return 403;
		}
		if (entry.resource() == MatrixResource.NONE || target == Target.OWN) {
			return entry.success();
		}
		if (target == Target.FOREIGN && caller == Caller.ADMIN && entry.reach() == Reach.ADMINS_TOO) {
			return entry.success();
		}
		return 404;
	}

	/** Whether the caller sees every user's objects in lists of this entry. */
	static boolean seesEveryone(MatrixEntry entry, Caller caller) {
		return caller == Caller.ADMIN && entry.reach() == Reach.ADMINS_TOO;
	}

}

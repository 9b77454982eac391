package dev.vlmr1.studio.reward.config;

import java.util.List;
import java.util.Map;

import org.springframework.modulith.NamedInterface;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import dev.vlmr1.studio.web.ApiProblem;
import dev.vlmr1.studio.web.CurrentUser;

/**
 * Reward configurations: create, update (a new version once a run used the configuration), delete, list,
 * and {@link #useForRun} for the run module. Foreign and missing configurations both answer 404.
 */
@Service
@NamedInterface("config")
public class RewardConfigManagement {

	private final RewardConfigStore store;

	RewardConfigManagement(RewardConfigStore store) {
		this.store = store;
	}

	@Transactional(readOnly = true)
	public RewardConfigView get(long id, CurrentUser user) {
		return store.find(id).filter(c -> user.canAccess(c.ownerId())).orElseThrow(() -> notFound(id));
	}

	@Transactional(readOnly = true)
	public List<RewardConfigView> list(CurrentUser user, boolean latestOnly) {
		return store.list(user.admin() ? null : user.id(), latestOnly);
	}

	@Transactional
	RewardConfigView create(CurrentUser user, RewardConfigRequest request) {
		if (store.nameTaken(user.id(), request.name(), -1)) {
			throw ApiProblem.conflict("reward-config-name-taken",
					"you already have a reward configuration named \"" + request.name() + "\"; edit it instead");
		}
		long id = store.insert(user.id(), request.name(), 1, request.description(), request.terms());
		return store.find(id).orElseThrow();
	}

	/**
	 * Updates in place while no run used this version; otherwise inserts the next version of the same name
	 * (and marks this one superseded) so that runs keep the configuration they were trained with.
	 * @return the updated or the new version
	 */
	@Transactional
	RewardConfigView update(long id, CurrentUser user, RewardConfigRequest request) {
		RewardConfigView current = store.findForUpdate(id).filter(c -> user.canAccess(c.ownerId()))
			.orElseThrow(() -> notFound(id));
		if (!current.used()) {
			if (!request.name().equals(current.name()) && store.nameTaken(current.ownerId(), request.name(), id)) {
				throw ApiProblem.conflict("reward-config-name-taken",
						"a reward configuration named \"" + request.name() + "\" already exists");
			}
			store.update(id, request.name(), request.description(), request.terms());
			return store.find(id).orElseThrow();
		}
		// a used configuration keeps its name: the new version continues its history
		int next = store.maxVersion(current.ownerId(), current.name()) + 1;
		long newId = store.insert(current.ownerId(), current.name(), next, request.description(), request.terms());
		store.supersede(id, newId);
		return store.find(newId).orElseThrow();
	}

	@Transactional
	void delete(long id, CurrentUser user) {
		RewardConfigView current = store.findForUpdate(id).filter(c -> user.canAccess(c.ownerId()))
			.orElseThrow(() -> notFound(id));
		if (current.used()) {
			throw ApiProblem.conflict("reward-config-in-use",
					"reward configuration " + id + " was used by a run and is kept as its record");
		}
		store.delete(id);
	}

	/**
	 * Resolves a configuration a run is about to use and marks it used (immutable from now on), in the
	 * caller's transaction.
	 * @return its terms, to be stored with the run
	 * @throws ApiProblem 404 when it does not exist or the user may not see it
	 */
	@Transactional
	public List<Map<String, Object>> useForRun(long id, CurrentUser user) {
		RewardConfigView config = store.findForUpdate(id).filter(c -> user.canAccess(c.ownerId()))
			.orElseThrow(() -> notFound(id));
		store.markUsed(id);
		return config.terms();
	}

	private static ApiProblem notFound(long id) {
		return ApiProblem.notFound("reward configuration " + id);
	}

}

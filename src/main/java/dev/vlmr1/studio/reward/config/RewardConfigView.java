package dev.vlmr1.studio.reward.config;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.springframework.modulith.NamedInterface;

/**
 * A stored reward configuration.
 *
 * @param terms {@code [{function, weight, params}]} as validated
 * @param used whether a run has used this version; used versions never change again
 * @param supersededBy the id of the next version, when one was made by editing this one
 */
@NamedInterface("config")
public record RewardConfigView(long id, long ownerId, String name, int version, String description,
		List<Map<String, Object>> terms, boolean used, @Nullable Long supersededBy, Instant createdAt,
		Instant updatedAt) {

	/** Whether this is the newest version of its name. */
	public boolean latest() {
		return supersededBy == null;
	}

}

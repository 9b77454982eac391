package dev.vlmr1.studio.security;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;
import org.springframework.transaction.annotation.Transactional;

interface ApiTokenRepository extends JpaRepository<ApiToken, Long> {

	Optional<ApiToken> findByPrefix(String prefix);

	List<ApiToken> findByUserIdOrderByCreatedAtDesc(long userId);

	/** Whether the token or any token above it (its parent, the parent's parent...) is revoked or expired. */
	@Query(nativeQuery = true, value = """
			WITH RECURSIVE chain AS (
			    SELECT id, parent_id, revoked_at, expires_at FROM api_tokens WHERE id = :id
			    UNION ALL
			    SELECT t.id, t.parent_id, t.revoked_at, t.expires_at FROM api_tokens t JOIN chain c ON t.id = c.parent_id
			)
			SELECT EXISTS (SELECT 1 FROM chain WHERE revoked_at IS NOT NULL OR expires_at <= :now)""")
	boolean hasInactiveAncestry(long id, Instant now);

	/** Revokes the token and every token below it (its children, their children...) that is not revoked yet. */
	@Modifying
	@Query(nativeQuery = true, value = """
			WITH RECURSIVE tree AS (
			    SELECT id FROM api_tokens WHERE id = :id
			    UNION ALL
			    SELECT t.id FROM api_tokens t JOIN tree ON t.parent_id = tree.id
			)
			UPDATE api_tokens SET revoked_at = :now WHERE id IN (SELECT id FROM tree) AND revoked_at IS NULL""")
	int revokeWithDescendants(long id, Instant now);

	/** A direct update: authentication must not load and re-save the entity on every request. */
	@Transactional
	@Modifying
	@Query("update ApiToken t set t.lastUsedAt = :now where t.id = :id")
	void markUsed(long id, Instant now);

}

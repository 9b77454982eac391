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

	/** A direct update: authentication must not load and re-save the entity on every request. */
	@Transactional
	@Modifying
	@Query("update ApiToken t set t.lastUsedAt = :now where t.id = :id")
	void markUsed(long id, Instant now);

}

package dev.vlmr1.studio.run;

import java.time.Duration;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * {@code Idempotency-Key}s per user. {@link #claim} inserts the key inside the request's transaction: a
 * concurrent request with the same key blocks on the primary key until the first commits (then sees its
 * stored answer) or rolls back (then proceeds itself), so a key produces at most one run.
 */
@Repository
class IdempotencyStore {

	private final JdbcClient jdbc;

	IdempotencyStore(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/**
	 * Forgets this user's keys older than the retention, then tries to take {@code key}.
	 * @return empty when this request owns the key now; otherwise the answer stored for it
	 */
	Optional<Stored> claim(long ownerId, String key, String requestHash, Duration retention) {
		jdbc.sql("DELETE FROM idempotency_keys WHERE owner_id = ? AND created_at < now() - make_interval(secs => ?)")
			.params(ownerId, retention.toMillis() / 1000.0)
			.update();
		int inserted = jdbc.sql("""
				INSERT INTO idempotency_keys (owner_id, idem_key, request_hash, response_status, response_body)
				VALUES (?, ?, ?, 0, '') ON CONFLICT DO NOTHING""")
			.params(ownerId, key, requestHash)
			.update();
		if (inserted == 1) {
			return Optional.empty();
		}
		return jdbc.sql("SELECT request_hash, response_status, response_body, resource_id FROM idempotency_keys WHERE owner_id = ? AND idem_key = ?")
			.params(ownerId, key)
			.query((rs, n) -> new Stored(rs.getString(1), rs.getInt(2), rs.getString(3), rs.getLong(4)))
			.optional();
	}

	void complete(long ownerId, String key, int status, String body, long resourceId) {
		jdbc.sql("UPDATE idempotency_keys SET response_status = ?, response_body = ?, resource_id = ? WHERE owner_id = ? AND idem_key = ?")
			.params(status, body, resourceId, ownerId, key)
			.update();
	}

	/** The answer first given for a key. */
	record Stored(String requestHash, int status, String body, long resourceId) {
	}

}

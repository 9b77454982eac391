package dev.vlmr1.studio.demoproject;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import dev.vlmr1.studio.web.CurrentUser;

/**
 * Runs waiting for a parent run ({@code run_followups}): once the parent SUCCEEDED and its final checkpoint (the
 * highest step) is registered in the catalog, the child is created through {@code POST /api/runs} as its owner, with that
 * checkpoint as its model; a parent that failed or was cancelled abandons its follow-ups. Polled, because the
 * runs finish in worker processes that publish no events to this application (one web instance is assumed).
 */
@Component
@EnableScheduling
public class FollowUpRuns {

	private static final Logger log = LoggerFactory.getLogger(FollowUpRuns.class);

	private final JdbcClient jdbc;

	private final LoopbackApi api;

	private final JsonMapper json = JsonMapper.builder().build();

	FollowUpRuns(JdbcClient jdbc, LoopbackApi api) {
		this.jdbc = jdbc;
		this.api = api;
	}

	/** Queues {@code request} (a run body without {@code modelId}) once {@code parentRunId} has succeeded. */
	public long waitFor(CurrentUser owner, long parentRunId, Map<String, Object> request) {
		return jdbc.sql("INSERT INTO run_followups (owner_id, parent_run_id, request) VALUES (?, ?, ?::jsonb) RETURNING id")
			.params(owner.id(), parentRunId, json.writeValueAsString(request))
			.query(Long.class)
			.single();
	}

	/** The run created for follow-up {@code id}, once there is one. */
	public @Nullable Long childOf(long id) {
		return jdbc.sql("SELECT child_run_id FROM run_followups WHERE id = ?").param(id).query(Long.class).optional().orElse(null);
	}

	private record Waiting(long id, long ownerId, String username, boolean admin, long parentRunId, String parentState,
			String request, @Nullable Long modelId) {
	}

	@Scheduled(fixedDelayString = "${studio.executor.register-interval:PT2S}")
	void poll() {
		List<Waiting> waiting = jdbc.sql("""
				SELECT f.id, f.owner_id, u.username, u.role = 'ADMIN', f.parent_run_id, r.state, f.request::text,
				       (SELECT c.model_id FROM checkpoints c WHERE c.run_id = r.id ORDER BY c.step DESC LIMIT 1)
				FROM run_followups f JOIN runs r ON r.id = f.parent_run_id JOIN users u ON u.id = f.owner_id
				WHERE f.state = 'WAITING' ORDER BY f.id""")
			.query((rs, n) -> new Waiting(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getBoolean(4), rs.getLong(5),
					rs.getString(6), rs.getString(7), (Long) rs.getObject(8)))
			.list();
		for (Waiting w : waiting) {
			if (List.of("FAILED", "CANCELLED").contains(w.parentState())) {
				settle(w.id(), "ABANDONED", null, "run " + w.parentRunId() + " ended " + w.parentState());
			}
			else if ("SUCCEEDED".equals(w.parentState()) && w.modelId() != null) {
				queue(w);
			}
		}
	}

	@SuppressWarnings("unchecked")
	private void queue(Waiting w) {
		Map<String, Object> body = new LinkedHashMap<>(json.readValue(w.request(), Map.class));
		body.put("modelId", w.modelId());
		try (LoopbackApi.Session session = api.as(new CurrentUser(w.ownerId(), w.username(), w.admin()))) {
			long child = session.post("/api/runs", body).get("id").asLong();
			settle(w.id(), "QUEUED", child, "queued from the checkpoint of run " + w.parentRunId());
			log.info("follow-up {} of run {} queued as run {}", w.id(), w.parentRunId(), child);
		}
		catch (RuntimeException ex) {
			settle(w.id(), "ABANDONED", null, String.valueOf(ex.getMessage()));
			log.warn("follow-up {} of run {} abandoned: {}", w.id(), w.parentRunId(), ex.getMessage());
		}
	}

	private void settle(long id, String state, @Nullable Long child, String message) {
		jdbc.sql("UPDATE run_followups SET state = ?, child_run_id = ?, message = ? WHERE id = ? AND state = 'WAITING'")
			.params(state, child, message, id)
			.update();
	}

}

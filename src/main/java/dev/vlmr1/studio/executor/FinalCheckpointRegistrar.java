package dev.vlmr1.studio.executor;

import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import dev.vlmr1.studio.catalog.ModelCatalog;

/**
 * Registers the final checkpoint of every SUCCEEDED run in the model catalog (named {@code <type>-run-<id>}, its
 * run recorded as the source), so it can be opened in the demos and trained further. Workers run without the
 * catalog's JPA context and publish no events to this application, so the web application polls for such runs;
 * a run with any catalog entry of its own (registered elsewhere) is left alone. Idempotent across application
 * instances up to a name clash, which the catalog's unique name refuses.
 */
@Component
@EnableScheduling
@ConditionalOnProperty(prefix = "studio.executor", name = "register-checkpoints", havingValue = "true",
		matchIfMissing = true)
class FinalCheckpointRegistrar {

	private static final Logger log = LoggerFactory.getLogger(FinalCheckpointRegistrar.class);

	private final JdbcClient jdbc;

	private final ModelCatalog catalog;

	/** Runs whose checkpoint the catalog refused: logged once, not retried until restart. */
	private final java.util.Set<Long> refused = java.util.concurrent.ConcurrentHashMap.newKeySet();

	FinalCheckpointRegistrar(JdbcClient jdbc, ModelCatalog catalog) {
		this.jdbc = jdbc;
		this.catalog = catalog;
	}

	private record Pending(long runId, long ownerId, String type, int step, String path) {
	}

	@Scheduled(fixedDelayString = "${studio.executor.register-interval:PT2S}")
	void registerFinishedRuns() {
		List<Pending> pending = jdbc.sql("""
				SELECT r.id, r.owner_id, r.type, c.step, c.path FROM runs r
				JOIN LATERAL (SELECT step, path FROM checkpoints WHERE run_id = r.id ORDER BY step DESC LIMIT 1) c ON true
				WHERE r.state = 'SUCCEEDED' AND NOT EXISTS (SELECT 1 FROM models m WHERE m.source_run_id = r.id)
				ORDER BY r.id""")
			.query((rs, n) -> new Pending(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getInt(4), rs.getString(5)))
			.list();
		for (Pending p : pending) {
			if (!refused.contains(p.runId())) {
				register(p);
			}
		}
	}

	private void register(Pending p) {
		String base = p.type().toLowerCase(java.util.Locale.ROOT) + "-run-" + p.runId();
		for (int suffix = 0; suffix < 5; suffix++) {
			String name = suffix == 0 ? base : base + "-" + suffix;
			try {
				catalog.register(p.ownerId(), name, p.path(), p.runId());
				log.info("registered checkpoint of step {} of run {} as model '{}'", p.step(), p.runId(), name);
				return;
			}
			catch (RuntimeException ex) {
				if (!String.valueOf(ex.getMessage()).contains("already registered")) {
					log.warn("cannot register checkpoint {} of run {}: {}", p.path(), p.runId(), ex.getMessage());
					refused.add(p.runId());
					return;
				}
			}
		}
	}

}

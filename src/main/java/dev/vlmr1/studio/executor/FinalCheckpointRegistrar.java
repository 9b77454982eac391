package dev.vlmr1.studio.executor;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import dev.vlmr1.studio.catalog.CatalogModel;
import dev.vlmr1.studio.catalog.ModelCatalog;
import dev.vlmr1.studio.model.image.PreprocessorConfig;

/**
 * Registers in the model catalog the checkpoints that worker processes recorded: a worker runs without the
 * catalog's JPA context, so its {@code recordCheckpoint} stores the checkpoint with no model, and this web-side
 * poller registers every complete Hugging Face checkpoint directory (config, tokenizer, preprocessor config) under
 * the run module's name {@code "run #<id> step <n>"}, owned by the run's owner, and links it to the checkpoint
 * row. So the final checkpoint of a SUCCEEDED run can be opened in the demos and trained further. A directory the
 * catalog refuses is logged once and left alone.
 */
@Component
@EnableScheduling
@ConditionalOnProperty(prefix = "studio.executor", name = "register-checkpoints", havingValue = "true",
		matchIfMissing = true)
class FinalCheckpointRegistrar {

	private static final Logger log = LoggerFactory.getLogger(FinalCheckpointRegistrar.class);

	private static final List<String> REQUIRED_FILES = List.of("config.json", "tokenizer.json");

	private final JdbcClient jdbc;

	private final ModelCatalog catalog;

	/** Checkpoints ({@code run:step:attempt}) the catalog refused or that are incomplete: not retried until restart. */
	private final Set<String> skipped = ConcurrentHashMap.newKeySet();

	FinalCheckpointRegistrar(JdbcClient jdbc, ModelCatalog catalog) {
		this.jdbc = jdbc;
		this.catalog = catalog;
	}

	private record Pending(long runId, long ownerId, int step, int attempt, String path) {

		String key() {
			return runId + ":" + step + ":" + attempt;
		}

	}

	@Scheduled(fixedDelayString = "${studio.executor.register-interval:PT2S}")
	void registerCheckpoints() {
		List<Pending> pending = jdbc.sql("""
				SELECT r.id, r.owner_id, c.step, c.attempt, c.path FROM checkpoints c JOIN runs r ON r.id = c.run_id
				WHERE c.model_id IS NULL ORDER BY c.run_id, c.step""")
			.query((rs, n) -> new Pending(rs.getLong(1), rs.getLong(2), rs.getInt(3), rs.getInt(4), rs.getString(5)))
			.list();
		for (Pending p : pending) {
			if (!skipped.contains(p.key())) {
				register(p);
			}
		}
	}

	private void register(Pending p) {
		Path dir = Path.of(p.path());
		if (REQUIRED_FILES.stream().anyMatch(f -> !Files.isRegularFile(dir.resolve(f)))
				|| PreprocessorConfig.file(dir).isEmpty()) {
			skipped.add(p.key()); // e.g. the fake trainer's checkpoints: nothing a demo could load
			return;
		}
		String name = "run #" + p.runId() + " step " + p.step() + (p.attempt() > 1 ? " (attempt " + p.attempt() + ")" : "");
		try {
			CatalogModel model = catalog.registerRunCheckpoint(p.runId(), p.ownerId(), name, p.path());
			jdbc.sql("UPDATE checkpoints SET model_id = ? WHERE run_id = ? AND step = ? AND path = ?")
				.params(model.id(), p.runId(), p.step(), p.path())
				.update();
			log.info("registered checkpoint of step {} of run {} as model {} '{}'", p.step(), p.runId(), model.id(), name);
		}
		catch (RuntimeException ex) {
			skipped.add(p.key());
			log.warn("checkpoint {} of run {} not registered as a model: {}", p.path(), p.runId(), ex.getMessage());
		}
	}

}

package dev.vlmr1.studio.run;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

import dev.vlmr1.studio.catalog.CatalogModel;
import dev.vlmr1.studio.catalog.ModelCatalog;
import dev.vlmr1.studio.model.image.PreprocessorConfig;
import dev.vlmr1.studio.web.ApiProblem;

/**
 * Registers a run's checkpoint in the model catalog, so the demos can open it by id. Only a complete Hugging Face
 * directory is registered (config, weights, tokenizer and preprocessor config: what a demo needs to load it); the
 * catalog validates it again (only inside this run's own artifact directory, model type, every shard).
 *
 * <p>The catalog write runs in its own transaction: a checkpoint the catalog refuses must not roll back the
 * worker's report (a refusal inside the worker's transaction would mark it rollback-only). The price: should the
 * report itself fail afterwards, the model stays registered, which is harmless (the files exist).
 */
@Component
class CheckpointRegistration {

	/** The files a demo or a resumed run cannot do without; weights are checked separately. */
	static final List<String> REQUIRED_FILES = List.of("config.json", "tokenizer.json");

	/** What happened: the catalog model's id, or why there is none. */
	record Outcome(@Nullable Long modelId, @Nullable String problem) {
	}

	/** Absent in a worker process (no JPA there): the web application registers its checkpoints instead. */
	private final @Nullable ModelCatalog catalog;

	private final TransactionTemplate ownTransaction;

	CheckpointRegistration(ObjectProvider<ModelCatalog> catalog, PlatformTransactionManager transactions) {
		this.catalog = catalog.getIfAvailable();
		this.ownTransaction = new TransactionTemplate(transactions);
		this.ownTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
	}

	Outcome register(RunDetails run, int step, int attempt, String path) {
		if (catalog == null) {
			return new Outcome(null, null);
		}
		ModelCatalog catalog = this.catalog;
		String missing = missing(path);
		if (missing != null) {
			return new Outcome(null, "not a complete Hugging Face checkpoint directory: " + missing);
		}
		// a checkpoint rewritten at the same step by a later attempt is another model: keep the names unique
		String name = "run #" + run.id().value() + " step " + step + (attempt > 1 ? " (attempt " + attempt + ")" : "");
		try {
			CatalogModel model = ownTransaction
				.execute(tx -> catalog.registerRunCheckpoint(run.id().value(), run.ownerId(), name, path));
			return new Outcome(model == null ? null : model.id(), null);
		}
		catch (ApiProblem refused) {
			return new Outcome(null, refused.getMessage());
		}
	}

	/** The first thing a complete checkpoint directory at {@code path} lacks, or null. */
	static @Nullable String missing(String path) {
		Path dir;
		try {
			dir = Path.of(path);
		}
		catch (InvalidPathException ex) {
			return "invalid path";
		}
		if (!dir.isAbsolute() || !Files.isDirectory(dir)) {
			return "no directory at an absolute path";
		}
		for (String file : REQUIRED_FILES) {
			if (!Files.isRegularFile(dir.resolve(file))) {
				return "no " + file;
			}
		}
		if (PreprocessorConfig.file(dir).isEmpty()) {
			return "no preprocessor_config.json or processor_config.json";
		}
		if (!Files.isRegularFile(dir.resolve("model.safetensors"))
				&& !Files.isRegularFile(dir.resolve("model.safetensors.index.json"))) {
			return "no model.safetensors or model.safetensors.index.json";
		}
		return null;
	}

}

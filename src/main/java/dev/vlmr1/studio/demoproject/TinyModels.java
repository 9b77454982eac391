package dev.vlmr1.studio.demoproject;

import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

import org.springframework.stereotype.Service;

import dev.vlmr1.studio.synth.TinyModelCreator;
import dev.vlmr1.studio.catalog.CatalogModel;
import dev.vlmr1.studio.catalog.ModelCatalog;
import dev.vlmr1.studio.synth.TinyQwenVl;
import dev.vlmr1.studio.web.ApiProblem;
import dev.vlmr1.studio.web.CurrentUser;
import dev.vlmr1.studio.web.StudioProperties;

/**
 * Creates a randomly initialised tiny Qwen2.5-VL (tokenizer trained on the synthetic corpus of {@code seed}) in
 * {@code <data-dir>/models/tiny-<uuid>} and registers it in the catalog under {@code name}.
 */
@Service
public class TinyModels {

	/** Vocabulary of the tokenizer the tiny model gets (bytes, merges and Qwen's special tokens). */
	static final int VOCABULARY = 1024;

	private final ModelCatalog catalog;

	private final StudioProperties studio;

	TinyModels(ModelCatalog catalog, StudioProperties studio) {
		this.catalog = catalog;
		this.studio = studio;
	}

	public CatalogModel create(CurrentUser owner, String name, long seed) {
		return create(owner, name, seed, VOCABULARY, TinyQwenVl.DEFAULT);
	}

	/** A tiny model of the given vocabulary and shape (the experiment's, so the CLI builds the same model). */
	public CatalogModel create(CurrentUser owner, String name, long seed, int vocabSize, TinyQwenVl shape) {
		if (name.isBlank() || name.length() > 200) {
			throw ApiProblem.badRequest("model-invalid", "name must be 1 to 200 characters").with("field", "name");
		}
		if (seed < 0) {
			throw ApiProblem.badRequest("model-invalid", "seed must be >= 0").with("field", "seed");
		}
		Path dir = ModelCatalog.platformModelsDir(studio).resolve("tiny-" + UUID.randomUUID());
		try {
			TinyModelCreator.create(dir, seed, List.of(), vocabSize, shape);
			return catalog.registerPlatformModel(owner, name, dir);
		}
		catch (RuntimeException | Error ex) {
			// a model that is not registered is not anyone's: its folder must not stay behind
			Folders.deleteQuietly(dir);
			throw ex;
		}
	}

	/** Undoes {@link #create}: forgets the registration and deletes the folder (it was ours). */
	void delete(CurrentUser owner, CatalogModel model) {
		catalog.delete(owner, model.id());
		Path dir = Path.of(model.path());
		Path platformModels = ModelCatalog.platformModelsDir(studio);
		try {
			platformModels = platformModels.toRealPath();
		}
		catch (java.io.IOException ex) {
			// no models folder: then the path cannot be in it either
		}
		if (dir.startsWith(platformModels)) {
			Folders.deleteQuietly(dir);
		}
	}

}

package dev.vlmr1.studio.catalog;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import dev.vlmr1.studio.web.ApiProblem;
import dev.vlmr1.studio.web.CurrentUser;
import dev.vlmr1.studio.web.StudioProperties;

/**
 * The model registry's API: registers validated checkpoint directories and finds them for their owner (admins see
 * all). A model someone else owns is reported exactly like one that does not exist.
 *
 * <p>Three ways in, each with its own roots: a user registers by path only from the configured import roots
 * ({@code studio.models.import-roots}, never overlapping the data directory); a run's checkpoint is registered only
 * from that run's own artifact directory, for the run's owner; a tiny model only from the platform's model folder,
 * for the user who created it. So no user can name another user's checkpoint, or any platform file, by path.
 */
@Service
public class ModelCatalog {

	private final RegisteredModelRepository models;

	private final CheckpointValidator imports;

	private final CheckpointValidator platformModels;

	private final Path runArtifacts;

	ModelCatalog(RegisteredModelRepository models, ModelRegistryProperties properties, StudioProperties studio) {
		this.models = models;
		List<Path> importRoots = new ArrayList<>(properties.importRoots());
		importRoots.addAll(properties.allowedRoots());
		ImportRoots.requireOutsideDataDir(importRoots, studio.dataDir());
		this.imports = new CheckpointValidator(importRoots, "the import roots", List.of(studio.dataDir()));
		this.platformModels = new CheckpointValidator(List.of(platformModelsDir(studio)), "the platform's models");
		this.runArtifacts = studio.artifactsDir().toAbsolutePath().normalize().resolve("runs");
	}

	/** Where the platform writes the models it creates itself (tiny models). */
	public static Path platformModelsDir(StudioProperties studio) {
		return studio.dataDir().toAbsolutePath().normalize().resolve("models");
	}

	/**
	 * Registers, for {@code owner}, the checkpoint directory at {@code path} under an import root; 400 naming the
	 * field when invalid, and the same 400 whether a path outside the import roots exists or not.
	 */
	@Transactional
	public CatalogModel register(CurrentUser owner, String name, String path) {
		if (imports.roots().isEmpty()) {
			throw ApiProblem.badRequest("model-invalid", "registration by path is off on this server "
					+ "(no studio.models.import-roots); create a tiny model or register a run's checkpoint")
				.with("field", "path");
		}
		return save(owner.id(), name, imports, path, null);
	}

	/**
	 * Registers a checkpoint a run wrote, for the run's owner (for the runs and executor modules): only a directory
	 * inside that run's own artifact directory {@code <artifacts>/runs/<runId>}, with the producing run recorded.
	 */
	@Transactional
	public CatalogModel registerRunCheckpoint(long runId, long runOwnerId, String name, String path) {
		var ownDirectory = new CheckpointValidator(List.of(runArtifacts.resolve(Long.toString(runId))),
				"the run's artifacts");
		return save(runOwnerId, name, ownDirectory, path, runId);
	}

	/** Registers a model the platform created for {@code owner} in {@link #platformModelsDir}. */
	@Transactional
	public CatalogModel registerPlatformModel(CurrentUser owner, String name, Path directory) {
		return save(owner.id(), name, platformModels, directory.toString(), null);
	}

	private CatalogModel save(long ownerId, String name, CheckpointValidator validator, String path,
			@Nullable Long sourceRunId) {
		String trimmed = name.strip();
		if (trimmed.isEmpty() || trimmed.length() > 200) {
			throw ApiProblem.badRequest("model-invalid", "name must be 1 to 200 characters").with("field", "name");
		}
		List<Path> ownModels = models.findByOwnerIdOrderByIdDesc(ownerId).stream().map(m -> Path.of(m.toCatalogModel().path()))
			.toList();
		CheckpointValidator.ValidCheckpoint checkpoint = validator.validate(path, ownModels);
		if (models.existsByOwnerIdAndName(ownerId, trimmed)) {
			throw ApiProblem.conflict("model-exists", "a model named '" + trimmed + "' is already registered")
				.with("field", "name");
		}
		RegisteredModel saved = models.save(new RegisteredModel(ownerId, trimmed, checkpoint.directory().toString(),
				checkpoint.modelType(), sourceRunId));
		return saved.toCatalogModel();
	}

	/** The model if {@code user} may see it; empty both when it does not exist and when it is someone else's. */
	@Transactional(readOnly = true)
	public Optional<CatalogModel> find(CurrentUser user, long id) {
		return models.findById(id).filter(model -> user.canAccess(model.ownerId())).map(RegisteredModel::toCatalogModel);
	}

	/** Like {@link #find} but a 404 problem when absent or foreign. */
	public CatalogModel get(CurrentUser user, long id) {
		return find(user, id).orElseThrow(() -> ApiProblem.notFound("Model " + id));
	}

	/** The user's models, newest first; an admin gets everyone's. */
	@Transactional(readOnly = true)
	public List<CatalogModel> list(CurrentUser user) {
		List<RegisteredModel> found = user.admin() ? models.findAllByOrderByIdDesc()
				: models.findByOwnerIdOrderByIdDesc(user.id());
		return found.stream().map(RegisteredModel::toCatalogModel).toList();
	}

	/** Forgets a registration; the checkpoint files are not touched (they were never ours). */
	@Transactional
	public void delete(CurrentUser user, long id) {
		CatalogModel model = get(user, id);
		models.deleteById(model.id());
	}

	/** The directories from which users may register checkpoints by path (shown on the page). */
	public List<Path> importRoots() {
		return imports.roots();
	}

}

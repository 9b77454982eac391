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
 */
@Service
public class ModelCatalog {

	private final RegisteredModelRepository models;

	private final CheckpointValidator validator;

	ModelCatalog(RegisteredModelRepository models, ModelRegistryProperties properties, StudioProperties studio) {
		this.models = models;
		List<Path> roots = new ArrayList<>(properties.allowedRoots());
		if (roots.isEmpty()) {
			roots.add(studio.dataDir());
		}
		this.validator = new CheckpointValidator(roots);
	}

	/** Registers the checkpoint directory at {@code path} for {@code owner}; 400 naming the field when invalid. */
	@Transactional
	public CatalogModel register(CurrentUser owner, String name, String path) {
		return register(owner.id(), name, path, null);
	}

	/**
	 * Registers a checkpoint a run wrote (for the runs module): the same validation, with the producing run
	 * recorded.
	 */
	@Transactional
	public CatalogModel register(long ownerId, String name, String path, @Nullable Long sourceRunId) {
		String trimmed = name.strip();
		if (trimmed.isEmpty() || trimmed.length() > 200) {
			throw ApiProblem.badRequest("model-invalid", "name must be 1 to 200 characters").with("field", "name");
		}
		CheckpointValidator.ValidCheckpoint checkpoint = validator.validate(path);
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

	/** The directories under which checkpoints may be registered (shown on the page). */
	public List<Path> allowedRoots() {
		return validator.roots();
	}

}

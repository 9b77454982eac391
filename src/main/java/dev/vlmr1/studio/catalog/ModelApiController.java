package dev.vlmr1.studio.catalog;

import java.net.URI;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.vlmr1.studio.web.ApiProblem;
import dev.vlmr1.studio.web.CurrentUser;

/** {@code /api/models}: register, list, get and forget checkpoint directories. */
@RestController
@RequestMapping("/api/models")
class ModelApiController {

	/** A checkpoint to register: a name and the absolute path of its directory on the server. */
	record RegisterModelRequest(@Nullable String name, @Nullable String path) {
	}

	/** A merge to start: the new model's name and storage type, both optional. */
	record MergeRequest(@Nullable String name, @Nullable String dtype) {
	}

	private final ModelCatalog catalog;

	private final ModelMerges merges;

	ModelApiController(ModelCatalog catalog, ModelMerges merges) {
		this.catalog = catalog;
		this.merges = merges;
	}

	@PostMapping
	ResponseEntity<CatalogModel> register(@AuthenticationPrincipal CurrentUser user,
			@RequestBody RegisterModelRequest request) {
		if (request.name() == null) {
			throw ApiProblem.badRequest("model-invalid", "name is required").with("field", "name");
		}
		if (request.path() == null) {
			throw ApiProblem.badRequest("model-invalid", "path is required").with("field", "path");
		}
		CatalogModel model = catalog.register(user, request.name(), request.path());
		return ResponseEntity.created(URI.create("/api/models/" + model.id())).body(model);
	}

	@GetMapping
	List<CatalogModel> list(@AuthenticationPrincipal CurrentUser user) {
		return catalog.list(user);
	}

	@GetMapping("/{id}")
	CatalogModel get(@AuthenticationPrincipal CurrentUser user, @PathVariable long id) {
		return catalog.get(user, id);
	}

	/**
	 * Merges the caller's LoRA adapter model into its base and registers the full checkpoint as a new model: 202 with
	 * the queued merge; its progress is under {@code GET /api/models/{id}/merges}.
	 */
	@PostMapping("/{id}/merge")
	ResponseEntity<ModelMerge> merge(@AuthenticationPrincipal CurrentUser user, @PathVariable long id,
			@RequestBody(required = false) @Nullable MergeRequest request) {
		MergeRequest asked = request == null ? new MergeRequest(null, null) : request;
		ModelMerge merge = merges.start(user, id, asked.name(), asked.dtype());
		return ResponseEntity.accepted().location(URI.create("/api/models/" + id + "/merges")).body(merge);
	}

	/** The merges of the caller's model, newest first: state, phase, bytes written and, once done, the new model. */
	@GetMapping("/{id}/merges")
	List<ModelMerge> merges(@AuthenticationPrincipal CurrentUser user, @PathVariable long id) {
		return merges.list(user, id);
	}

	@DeleteMapping("/{id}")
	ResponseEntity<Void> delete(@AuthenticationPrincipal CurrentUser user, @PathVariable long id) {
		catalog.delete(user, id);
		return ResponseEntity.noContent().build();
	}

}

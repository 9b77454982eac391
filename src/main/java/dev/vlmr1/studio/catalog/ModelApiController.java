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

	private final ModelCatalog catalog;

	ModelApiController(ModelCatalog catalog) {
		this.catalog = catalog;
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

	@DeleteMapping("/{id}")
	ResponseEntity<Void> delete(@AuthenticationPrincipal CurrentUser user, @PathVariable long id) {
		catalog.delete(user, id);
		return ResponseEntity.noContent().build();
	}

}

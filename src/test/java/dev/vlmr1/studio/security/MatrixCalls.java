package dev.vlmr1.studio.security;

import java.util.Map;

import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.request.AbstractMockHttpServletRequestBuilder;

import dev.vlmr1.studio.security.MatrixEntry.Surface;
import dev.vlmr1.studio.security.MatrixExpectations.Caller;
import dev.vlmr1.studio.security.MatrixExpectations.Target;
import dev.vlmr1.studio.web.TestUsers.TestUser;

import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.request;

/** Makes one matrix call: fills the entry's path and body, authenticates as the caller, performs it. */
final class MatrixCalls {

	private final MockMvc mvc;

	private final MatrixWorld world;

	MatrixCalls(MockMvc mvc, MatrixWorld world) {
		this.mvc = mvc;
		this.world = world;
	}

	/** The user whose objects count as the caller's own. */
	TestUser identity(Caller caller) {
		return switch (caller) {
			case OTHER -> world.bob;
			case ADMIN -> world.admin;
			default -> world.alice;
		};
	}

	/** Someone else, whose objects the caller must not reach (unless an admin). */
	TestUser stranger(Caller caller) {
		return caller == Caller.OTHER || caller == Caller.ADMIN ? world.alice : world.bob;
	}

	/**
	 * The id for the path: a missing one, or the owner's seeded object; a fresh one where an authorized call
	 * would use the seeded one up.
	 */
	long targetId(MatrixEntry entry, Caller caller, Target target, int expected) throws Exception {
		if (entry.resource() == MatrixResource.NONE) {
			return 0;
		}
		if (target == Target.MISSING) {
			return MatrixWorld.MISSING;
		}
		TestUser owner = target == Target.OWN ? identity(caller) : stranger(caller);
		if (entry.usesUp() && expected == entry.success()) {
			return world.create(entry.resource(), owner);
		}
		return world.seeded(owner, entry.resource()).get(0);
	}

	/** Calls the entry as {@code caller} on resource {@code id}, its body naming {@code references}. */
	MvcResult perform(MatrixEntry entry, Caller caller, long id, Map<String, Long> references) throws Exception {
		String path = fill(entry.pathTemplate() + (entry.queryString().isEmpty() ? "" : "?" + entry.queryString()),
				references)
			.replace("{id}", Long.toString(id));
		HttpMethod method = entry.method().equals("ALL") ? HttpMethod.GET : HttpMethod.valueOf(entry.method());
		AbstractMockHttpServletRequestBuilder<?> request = entry.isUpload()
				? MatrixDatasets.upload(path, "ds-" + MatrixWorld.unique(), Long.parseLong(MatrixWorld.unique(), 36))
				: request(method, path);
		String ref = Long.toString(id);
		if (entry.jsonTemplate() != null) {
			request.contentType(MediaType.APPLICATION_JSON)
				.content(fill(entry.jsonTemplate(), references).replace("{id}", ref));
		}
		if (entry.formTemplate() != null) {
			request.contentType(MediaType.APPLICATION_FORM_URLENCODED);
			for (String pair : fill(entry.formTemplate(), references).replace("{id}", ref).split("&")) {
				String[] nameValue = pair.split("=", 2);
				request.param(nameValue[0], nameValue[1]);
			}
		}
		boolean api = entry.surface() == Surface.API;
		switch (caller) {
			case ANONYMOUS -> {
			}
			case OWNER, OTHER, ADMIN -> request.with(api ? identity(caller).api() : identity(caller).page());
			case READ_TOKEN -> request.header("Authorization", "Bearer " + world.aliceRead);
			case REVOKED_TOKEN -> request.header("Authorization", "Bearer " + world.aliceRevoked);
			case BEARER_ON_PAGE -> request.with(world.alice.api());
		}
		if (!api && entry.writes()) {
			// a valid CSRF token, so that what is tested is authentication and authorization, not CSRF
			request.with(csrf());
		}
		return mvc.perform(request).andReturn();
	}

	private String fill(String template, Map<String, Long> references) {
		String filled = template.replace("${unique}", MatrixWorld.unique())
			.replace("${image}", MatrixDatasets.IMAGE_SHA256)
			.replace("${checkpoint}", world.checkpoint.toString());
		for (var reference : references.entrySet()) {
			filled = filled.replace("${" + reference.getKey() + "}", Long.toString(reference.getValue()));
		}
		return filled;
	}

}

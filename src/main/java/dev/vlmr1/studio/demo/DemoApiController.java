package dev.vlmr1.studio.demo;

import java.io.IOException;
import java.util.Base64;

import com.fasterxml.jackson.annotation.JsonAlias;
import com.fasterxml.jackson.annotation.JsonProperty;
import org.jspecify.annotations.Nullable;

import org.springframework.http.MediaType;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;

import dev.vlmr1.studio.demo.worker.WorkerStatus;
import dev.vlmr1.studio.web.ApiProblem;
import dev.vlmr1.studio.web.CurrentUser;

/**
 * The demo endpoints: {@code POST /api/demo/rec} and {@code /api/demo/ovd} (bearer token; multipart with an image
 * file, or JSON with the image in base64 or as a {@code data:} URI), the same handlers under
 * {@code /demo/{rec,ovd}/predict} for the pages (session + CSRF header), and {@code GET /api/demo/worker} (admins).
 *
 * <p>Errors are problem details on both paths ({@link DemoExceptionHandler}).
 */
@RestController
class DemoApiController {

	/**
	 * A JSON demo request.
	 *
	 * @param image base64 bytes of the image file, or a {@code data:image/…;base64,…} URI
	 * @param modelId the registered model
	 * @param expression REC: the referring expression
	 * @param labels OVD: comma-separated labels
	 * @param maxNewTokens generation bound
	 * @param temperature 0 for greedy
	 * @param rescale false to get boxes as the model wrote them (its input frame) in {@code box} too
	 */
	record JsonRequest(@Nullable String image, @JsonAlias("model_id") @Nullable Long modelId,
			@Nullable String expression, @Nullable String labels,
			@JsonProperty("max_new_tokens") @JsonAlias("maxNewTokens") @Nullable Integer maxNewTokens,
			@Nullable Double temperature, @Nullable Boolean rescale) {

		DemoInput toInput() {
			return new DemoInput(decode(image), modelId, expression, labels, maxNewTokens, temperature, rescale);
		}

	}

	private final DemoService demos;

	private final InferenceWorkerClient worker;

	DemoApiController(DemoService demos, InferenceWorkerClient worker) {
		this.demos = demos;
		this.worker = worker;
	}

	@PostMapping(path = { "/api/demo/rec", "/demo/rec/predict" }, consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
	DemoResponses.Rec recMultipart(@AuthenticationPrincipal CurrentUser user,
			@RequestParam(required = false) @Nullable MultipartFile image,
			@RequestParam(required = false) @Nullable String modelId,
			@RequestParam(required = false) @Nullable String expression,
			@RequestParam(name = "max_new_tokens", required = false) @Nullable String maxNewTokens,
			@RequestParam(required = false) @Nullable String temperature,
			@RequestParam(required = false) @Nullable String rescale) {
		return demos.rec(user, multipartInput(demos, image, modelId, expression, null, maxNewTokens, temperature,
				rescale));
	}

	@PostMapping(path = { "/api/demo/rec", "/demo/rec/predict" }, consumes = MediaType.APPLICATION_JSON_VALUE)
	DemoResponses.Rec recJson(@AuthenticationPrincipal CurrentUser user, @RequestBody JsonRequest request) {
		return demos.rec(user, request.toInput());
	}

	@PostMapping(path = { "/api/demo/ovd", "/demo/ovd/predict" }, consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
	DemoResponses.Ovd ovdMultipart(@AuthenticationPrincipal CurrentUser user,
			@RequestParam(required = false) @Nullable MultipartFile image,
			@RequestParam(required = false) @Nullable String modelId,
			@RequestParam(required = false) @Nullable String labels,
			@RequestParam(name = "max_new_tokens", required = false) @Nullable String maxNewTokens,
			@RequestParam(required = false) @Nullable String temperature,
			@RequestParam(required = false) @Nullable String rescale) {
		return demos.ovd(user, multipartInput(demos, image, modelId, null, labels, maxNewTokens, temperature, rescale));
	}

	/** Form fields arrive as text: each is parsed with a 400 problem naming the field when it is malformed. */
	private static DemoInput multipartInput(DemoService demos, @Nullable MultipartFile image, @Nullable String modelId,
			@Nullable String expression, @Nullable String labels, @Nullable String maxNewTokens,
			@Nullable String temperature, @Nullable String rescale) {
		if (image != null) {
			// refused before its bytes are read into this JVM's heap
			demos.checkImageBytes(image.getSize(), "image");
		}
		return new DemoInput(bytes(image), longParam("modelId", modelId), expression, labels,
				intParam("max_new_tokens", maxNewTokens), doubleParam("temperature", temperature),
				booleanParam("rescale", rescale));
	}

	@PostMapping(path = { "/api/demo/ovd", "/demo/ovd/predict" }, consumes = MediaType.APPLICATION_JSON_VALUE)
	DemoResponses.Ovd ovdJson(@AuthenticationPrincipal CurrentUser user, @RequestBody JsonRequest request) {
		return demos.ovd(user, request.toInput());
	}

	/** The worker's pid, cached models (server paths, hence admins only) and queue. */
	@GetMapping("/api/demo/worker")
	WorkerView worker(@AuthenticationPrincipal CurrentUser user) {
		if (!user.admin()) {
			throw ApiProblem.forbidden("only administrators may inspect the inference worker");
		}
		return new WorkerView(worker.status(), worker.inFlight());
	}

	/**
	 * The inference worker as admins see it.
	 *
	 * @param status the worker's own report
	 * @param inFlight requests admitted and not answered yet (this status request excluded)
	 */
	record WorkerView(WorkerStatus status, int inFlight) {
	}

	private static byte @Nullable [] bytes(@Nullable MultipartFile image) {
		if (image == null || image.isEmpty()) {
			return null;
		}
		try {
			return image.getBytes();
		}
		catch (IOException ex) {
			throw ApiProblem.badRequest("demo-invalid", "the image upload could not be read: " + ex.getMessage())
				.with("field", "image");
		}
	}

	/** Base64 bytes or a {@code data:…;base64,…} URI. */
	static byte @Nullable [] decode(@Nullable String image) {
		if (image == null || image.isBlank()) {
			return null;
		}
		String data = image.strip();
		if (data.startsWith("data:")) {
			int comma = data.indexOf(',');
			if (comma < 0 || !data.substring(0, comma).endsWith(";base64")) {
				throw ApiProblem.badRequest("demo-invalid", "image: a data: URI must be base64 encoded")
					.with("field", "image");
			}
			data = data.substring(comma + 1);
		}
		try {
			return Base64.getMimeDecoder().decode(data);
		}
		catch (IllegalArgumentException ex) {
			throw ApiProblem.badRequest("demo-invalid", "image is not valid base64").with("field", "image");
		}
	}

	private static @Nullable Long longParam(String name, @Nullable String value) {
		if (value == null || value.isBlank()) {
			return null;
		}
		try {
			return Long.parseLong(value.strip());
		}
		catch (NumberFormatException ex) {
			throw ApiProblem.badRequest("demo-invalid", name + " must be a number, got '" + abbreviate(value) + "'")
				.with("field", name);
		}
	}

	private static @Nullable Integer intParam(String name, @Nullable String value) {
		Long parsed = longParam(name, value);
		if (parsed != null && (parsed > Integer.MAX_VALUE || parsed < Integer.MIN_VALUE)) {
			throw ApiProblem.badRequest("demo-invalid", name + " is out of range").with("field", name);
		}
		return parsed == null ? null : parsed.intValue();
	}

	private static @Nullable Double doubleParam(String name, @Nullable String value) {
		if (value == null || value.isBlank()) {
			return null;
		}
		try {
			return Double.parseDouble(value.strip());
		}
		catch (NumberFormatException ex) {
			throw ApiProblem.badRequest("demo-invalid", name + " must be a number, got '" + abbreviate(value) + "'")
				.with("field", name);
		}
	}

	private static @Nullable Boolean booleanParam(String name, @Nullable String value) {
		if (value == null || value.isBlank()) {
			return null;
		}
		return switch (value.strip().toLowerCase(java.util.Locale.ROOT)) {
			case "true", "on", "1" -> true;
			case "false", "off", "0" -> false;
			default -> throw ApiProblem.badRequest("demo-invalid", name + " must be true or false, got '"
					+ abbreviate(value) + "'").with("field", name);
		};
	}

	private static String abbreviate(String value) {
		return value.length() <= 40 ? value : value.substring(0, 37) + "...";
	}

}

package dev.vlmr1.studio.demo;

import java.util.Base64;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;

import dev.vlmr1.studio.catalog.CatalogModel;
import dev.vlmr1.studio.catalog.ModelCatalog;
import dev.vlmr1.studio.demo.worker.DemoTask;
import dev.vlmr1.studio.demo.worker.ImageHeader;
import dev.vlmr1.studio.demo.worker.InferenceResult;
import dev.vlmr1.studio.demo.worker.WorkerRequest;
import dev.vlmr1.studio.demo.worker.WorkerResponse;
import dev.vlmr1.studio.web.ApiProblem;
import dev.vlmr1.studio.web.CurrentUser;

/**
 * Validates a demo request (fields, the image's header, the model's owner) in the web JVM, where it is cheap, then
 * hands it to the inference worker and maps the worker's errors to problems: its bad-input answers to 400, a
 * request over a limit to 413 naming the limit, an unusable checkpoint to 422.
 */
@Service
class DemoService {

	static final int MAX_EXPRESSION = 500;

	static final int MAX_LABELS = 50;

	private final ModelCatalog catalog;

	private final InferenceWorkerClient worker;

	private final DemoProperties properties;

	DemoService(ModelCatalog catalog, InferenceWorkerClient worker, DemoProperties properties) {
		this.catalog = catalog;
		this.worker = worker;
		this.properties = properties;
	}

	DemoResponses.Rec rec(CurrentUser user, DemoInput input) {
		String expression = input.expression() == null ? "" : input.expression().strip();
		if (expression.isEmpty()) {
			throw invalid("expression", "expression is required: the phrase that names the object to box");
		}
		if (expression.length() > MAX_EXPRESSION) {
			throw invalid("expression", "expression is longer than " + MAX_EXPRESSION + " characters");
		}
		Checked checked = check(user, input);
		InferenceResult result = run(checked, DemoTask.REC, expression, List.of());
		return DemoResponses.Rec.of(checked.model().id(), result);
	}

	DemoResponses.Ovd ovd(CurrentUser user, DemoInput input) {
		List<String> labels = input.labelList();
		if (labels.isEmpty()) {
			throw invalid("labels", "labels are required: a comma-separated list of object names");
		}
		if (labels.size() > MAX_LABELS || labels.stream().anyMatch((l) -> l.length() > 100)) {
			throw invalid("labels", "at most " + MAX_LABELS + " labels of at most 100 characters each");
		}
		Checked checked = check(user, input);
		InferenceResult result = run(checked, DemoTask.OVD, "", labels);
		return DemoResponses.Ovd.of(checked.model().id(), labels, result);
	}

	private record Checked(CatalogModel model, byte[] image, int maxNewTokens, double temperature, boolean rescale) {
	}

	private Checked check(CurrentUser user, DemoInput input) {
		int maxNewTokens = maxNewTokens(input.maxNewTokens());
		double temperature = temperature(input.temperature());
		if (input.modelId() == null) {
			throw invalid("modelId", "modelId is required: the id of a registered model");
		}
		byte[] image = input.image();
		if (image == null || image.length == 0) {
			throw invalid("image", "image is required: a PNG, JPEG, GIF or BMP file");
		}
		CatalogModel model = catalog.get(user, input.modelId());
		checkImage(image, "image");
		return new Checked(model, image, maxNewTokens, temperature, !Boolean.FALSE.equals(input.rescale()));
	}

	/** The generation bound, defaulted and checked. */
	int maxNewTokens(@Nullable Integer requested) {
		return maxNewTokens(requested, "max_new_tokens");
	}

	/** The generation bound, defaulted and checked, refused under the request's name for it. */
	int maxNewTokens(@Nullable Integer requested, String field) {
		int maxNewTokens = requested == null ? properties.defaultMaxNewTokens() : requested;
		if (maxNewTokens < 1 || maxNewTokens > properties.maxNewTokensLimit()) {
			throw invalid(field, field + " must be between 1 and " + properties.maxNewTokensLimit());
		}
		return maxNewTokens;
	}

	/** The sampling temperature, 0 (greedy) by default, checked. */
	static double temperature(@Nullable Double requested) {
		double temperature = requested == null ? 0 : requested;
		if (!(temperature >= 0 && temperature <= 2)) {
			throw invalid("temperature", "temperature must be between 0 (greedy) and 2");
		}
		return temperature;
	}

	/** Refuses an image file over the size limit before it is read into memory. */
	void checkImageBytes(long bytes, String field) {
		if (bytes > properties.maxImageBytes().toBytes()) {
			throw tooLarge("the image file has " + bytes + " bytes, more than the limit of "
					+ properties.maxImageBytes().toBytes() + " (max-image-bytes)", field);
		}
	}

	/**
	 * Checks an image's size and header (format, pixel count) without decoding it; 400 or 413 naming the field.
	 * @return its pixels
	 */
	long checkImage(byte[] image, String field) {
		checkImageBytes(image.length, field);
		ImageHeader header;
		try {
			header = ImageHeader.read(image);
		}
		catch (IllegalArgumentException ex) {
			throw invalid(field, field + ": " + ex.getMessage());
		}
		if (header.pixels() > properties.maxImagePixels()) {
			throw tooLarge("the image is " + header.width() + "x" + header.height() + " = " + header.pixels()
					+ " pixels, more than the limit of " + properties.maxImagePixels() + " (max-image-pixels)", field);
		}
		return header.pixels();
	}

	/** The request-wide bounds of a conversation: messages, text, images and their pixels together. */
	void checkConversation(int messages, long characters, int images, long pixels) {
		if (messages > properties.maxMessages()) {
			throw requestTooLarge("max-messages", "the request has " + messages + " messages, more than the limit of "
					+ properties.maxMessages() + " (max-messages)", "messages");
		}
		if (characters > properties.maxPromptCharacters()) {
			throw requestTooLarge("max-prompt-characters", "the messages have " + characters
					+ " characters of text, more than the limit of " + properties.maxPromptCharacters()
					+ " (max-prompt-characters)", "messages");
		}
		checkImageCount(images, "messages");
		if (pixels > properties.maxTotalImagePixels()) {
			throw requestTooLarge("max-total-image-pixels", "the request's images have " + pixels
					+ " pixels together, more than the limit of " + properties.maxTotalImagePixels()
					+ " (max-total-image-pixels)", "messages");
		}
	}

	/** Refuses the image that would go over the per-request image count. */
	void checkImageCount(int images, String field) {
		if (images > properties.maxImages()) {
			throw requestTooLarge("max-images", "the request has " + images + " images, more than the limit of "
					+ properties.maxImages() + " (max-images)", field);
		}
	}

	private InferenceResult run(Checked checked, DemoTask task, String expression, List<String> labels) {
		WorkerRequest request = WorkerRequest.infer(task, checked.model().path(),
				Base64.getEncoder().encodeToString(checked.image()), expression, labels, checked.maxNewTokens(),
				checked.temperature(), System.nanoTime(), checked.rescale());
		return run(checked.model(), request, "image");
	}

	/**
	 * Sends a request to the worker and maps its failures: bad input → 400 naming {@code inputField}, over a limit →
	 * 413 naming it, an unusable checkpoint → 422, anything else → 500; a busy or dead worker → 429 or 503 (thrown by the client).
	 */
	InferenceResult run(CatalogModel model, WorkerRequest request, String inputField) {
		return result(model, worker.infer(request), inputField);
	}

	/** The worker's answer's result, or its failure as a problem (as {@link #run}). */
	InferenceResult result(CatalogModel model, WorkerResponse response, String inputField) {
		if (response.ok() && response.result() != null) {
			return response.result();
		}
		String error = String.valueOf(response.error());
		if (WorkerResponse.BAD_INPUT.equals(response.errorKind())) {
			throw invalid(inputField, error);
		}
		if (WorkerResponse.TOO_LARGE.equals(response.errorKind())) {
			throw requestTooLarge(String.valueOf(response.limit()), error, inputField);
		}
		if (WorkerResponse.MODEL.equals(response.errorKind())) {
			throw new ApiProblem(HttpStatus.UNPROCESSABLE_CONTENT, "model-unusable", "Model cannot be used",
					"Model " + model.id() + " (" + model.name() + "): " + error)
				.with("modelId", model.id());
		}
		throw new ApiProblem(HttpStatus.INTERNAL_SERVER_ERROR, "inference-failed", "Inference failed", error);
	}

	static ApiProblem invalid(String field, String detail) {
		return ApiProblem.badRequest("demo-invalid", detail).with("field", field);
	}

	private static ApiProblem tooLarge(String detail, String field) {
		return new ApiProblem(HttpStatus.CONTENT_TOO_LARGE, "image-too-large", "Image too large", detail)
			.with("field", field);
	}

	/** 413 naming the limit (a setting under {@code studio.demo}, or a field of the model's config) and the field. */
	static ApiProblem requestTooLarge(String limit, String detail, String field) {
		return new ApiProblem(HttpStatus.CONTENT_TOO_LARGE, "request-too-large", "Request too large", detail)
			.with("limit", limit)
			.with("field", field);
	}

}

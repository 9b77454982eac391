package dev.vlmr1.studio.demo;

import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.security.web.firewall.RequestRejectedException;
import org.springframework.web.ErrorResponse;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

import dev.vlmr1.studio.web.ApiProblem;
import dev.vlmr1.studio.web.OpenAiErrors;

/**
 * OpenAI's error shape for the OpenAI-compatible controller (the SDKs raise typed errors from it:
 * {@code BadRequestError} with {@code param} and {@code code}, {@code NotFoundError}, {@code RateLimitError}, …):
 * 400 {@code invalid_request_error} naming the parameter, 404 {@code model_not_found}, 413 naming the limit, 429 and
 * 503 with {@code Retry-After}. Ordered before the demo's and the shared advice, which answer problem details.
 */
@RestControllerAdvice(assignableTypes = ChatCompletionsApiController.class)
@Order(Ordered.HIGHEST_PRECEDENCE)
class OpenAiErrorHandler {

	private static final Logger log = LoggerFactory.getLogger(OpenAiErrorHandler.class);

	@ExceptionHandler(ApiProblem.class)
	ResponseEntity<Map<String, Object>> problem(ApiProblem problem) {
		return respond(problem.status(), body(problem));
	}

	@ExceptionHandler(WorkerBusyException.class)
	ResponseEntity<Map<String, Object>> busy(WorkerBusyException ex) {
		return ResponseEntity.status(HttpStatus.TOO_MANY_REQUESTS)
			.header(HttpHeaders.RETRY_AFTER, Long.toString(ex.retryAfterSeconds()))
			.contentType(MediaType.APPLICATION_JSON)
			.body(OpenAiErrors.body(ex.getMessage(), "requests", null, "rate_limit_exceeded"));
	}

	@ExceptionHandler(WorkerUnavailableException.class)
	ResponseEntity<Map<String, Object>> unavailable(WorkerUnavailableException ex) {
		return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
			.header(HttpHeaders.RETRY_AFTER, "1")
			.contentType(MediaType.APPLICATION_JSON)
			.body(OpenAiErrors.body(ex.getMessage(), "server_error", null, "service_unavailable"));
	}

	/** An unreadable body, or one over the size limit while it was read. */
	@ExceptionHandler(HttpMessageNotReadableException.class)
	ResponseEntity<Map<String, Object>> unreadable(HttpMessageNotReadableException ex) {
		String param = null;
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (cause instanceof ApiProblem problem) {
				return problem(problem);
			}
			if (param == null && cause instanceof JacksonException json && !json.getPath().isEmpty()) {
				// the top-level field whose value has the wrong type: {"n": "two"} names n
				param = json.getPath().get(0).getPropertyName();
			}
		}
		return respond(HttpStatus.BAD_REQUEST, OpenAiErrors.body("the request body is not a valid chat request: "
				+ ex.getMostSpecificCause().getMessage(), OpenAiErrors.INVALID_REQUEST, param,
				param == null ? "invalid_json" : "invalid_type"));
	}

	/**
	 * Spring Security's firewall checks a header when the controller first reads it: a NUL or an unprintable
	 * character there is the client's error.
	 */
	@ExceptionHandler(RequestRejectedException.class)
	ResponseEntity<Map<String, Object>> rejected(RequestRejectedException ex) {
		return respond(HttpStatus.BAD_REQUEST, OpenAiErrors.body("the request holds a header or parameter value that is "
				+ "not allowed (control or unprintable characters)", OpenAiErrors.INVALID_REQUEST, null,
				"request_rejected"));
	}

	/** Spring's own client errors (media type, missing parameter, …) keep their status; anything else is a bug. */
	@ExceptionHandler(Exception.class)
	ResponseEntity<Map<String, Object>> unexpected(Exception ex) {
		if (ex instanceof ErrorResponse framework && !framework.getStatusCode().is5xxServerError()) {
			HttpStatusCode status = framework.getStatusCode();
			String detail = framework.getBody().getDetail();
			return respond(status, OpenAiErrors.body(detail == null ? status.toString() : detail,
					OpenAiErrors.INVALID_REQUEST, null, null));
		}
		log.error("OpenAI-compatible request failed", ex);
		return respond(HttpStatus.INTERNAL_SERVER_ERROR,
				OpenAiErrors.body("internal error: " + ex.getClass().getSimpleName(), "server_error", null, null));
	}

	/** A problem in OpenAI's shape: the field becomes {@code param}, the reason {@code code}. */
	static Map<String, Object> body(ApiProblem problem) {
		String param = param(problem.property("field"));
		String code = switch (problem.status()) {
			case NOT_FOUND -> "model_not_found";
			case CONTENT_TOO_LARGE -> "request_too_large";
			case UNPROCESSABLE_CONTENT -> "model_unusable";
			case BAD_REQUEST -> problem.property("code") instanceof String c ? c : "invalid_value";
			default -> problem.type();
		};
		Map<String, Object> body = OpenAiErrors.body(problem.getMessage(),
				problem.status().is5xxServerError() ? "server_error" : OpenAiErrors.INVALID_REQUEST,
				problem.status() == HttpStatus.NOT_FOUND ? "model" : param, code);
		if (problem.property("limit") != null) {
			@SuppressWarnings("unchecked")
			Map<String, Object> error = (Map<String, Object>) body.get("error");
			// which setting or model field the request went over: the message names it too
			error.put("limit", problem.property("limit"));
		}
		return body;
	}

	/** The field at fault; none for the body as a whole. */
	private static @Nullable String param(@Nullable Object field) {
		if (field == null) {
			return null;
		}
		return "body".equals(field) ? null : field.toString();
	}

	private static ResponseEntity<Map<String, Object>> respond(HttpStatusCode status, Map<String, Object> body) {
		return ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON).body(body);
	}

}

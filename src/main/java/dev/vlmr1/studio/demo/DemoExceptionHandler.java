package dev.vlmr1.studio.demo;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

import dev.vlmr1.studio.web.ApiProblem;

/**
 * Problem details for the demo's JSON endpoints, on the page paths too ({@code /demo/*}/predict, where the shared
 * advice would render an HTML error page, but the page scripts read the problem's detail): a busy worker is 429 and
 * a dead or late one 503, both with {@code Retry-After}. Ordered before the shared advice, whose catch-all would
 * otherwise turn the worker's exceptions into 500s.
 */
@RestControllerAdvice(assignableTypes = DemoApiController.class)
@Order(Ordered.HIGHEST_PRECEDENCE)
class DemoExceptionHandler {

	@ExceptionHandler(ApiProblem.class)
	ResponseEntity<ProblemDetail> problem(ApiProblem problem) {
		return ResponseEntity.status(problem.status())
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.body(problem.toProblemDetail());
	}

	@ExceptionHandler(WorkerBusyException.class)
	ResponseEntity<ProblemDetail> busy(WorkerBusyException ex) {
		ProblemDetail body = new ApiProblem(HttpStatus.TOO_MANY_REQUESTS, "inference-busy", "Too many requests",
				ex.getMessage())
			.with("retryAfterSeconds", ex.retryAfterSeconds())
			.toProblemDetail();
		return ResponseEntity.status(HttpStatus.TOO_MANY_REQUESTS)
			.header(HttpHeaders.RETRY_AFTER, Long.toString(ex.retryAfterSeconds()))
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.body(body);
	}

	@ExceptionHandler(WorkerUnavailableException.class)
	ResponseEntity<ProblemDetail> unavailable(WorkerUnavailableException ex) {
		ProblemDetail body = new ApiProblem(HttpStatus.SERVICE_UNAVAILABLE, "inference-unavailable",
				"Inference worker unavailable", ex.getMessage())
			.toProblemDetail();
		return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
			.header(HttpHeaders.RETRY_AFTER, "1")
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.body(body);
	}

}

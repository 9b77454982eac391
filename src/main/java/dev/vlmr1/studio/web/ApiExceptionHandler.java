package dev.vlmr1.studio.web;

import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Turns every error under the REST controllers into an RFC 9457 problem detail
 * ({@code application/problem+json}); Spring MVC's own exceptions are handled by the base class.
 */
@RestControllerAdvice(annotations = org.springframework.web.bind.annotation.RestController.class)
class ApiExceptionHandler extends ResponseEntityExceptionHandler {

	@ExceptionHandler(ApiProblem.class)
	ResponseEntity<ProblemDetail> handle(ApiProblem problem) {
		return ResponseEntity.status(problem.status()).body(problem.toProblemDetail());
	}

}

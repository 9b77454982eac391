package dev.vlmr1.studio.web;

import java.io.IOException;
import java.net.URI;
import java.sql.SQLException;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;

import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.firewall.RequestRejectedException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.multipart.MaxUploadSizeExceededException;
import org.springframework.web.multipart.MultipartException;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Turns every error of a request under {@code /api/} into an RFC 9457 problem detail
 * ({@code application/problem+json}); Spring MVC's own exceptions (404 of unknown paths, 405, 415, 400, 413 of
 * multipart limits, …) are handled by the base class.
 *
 * <p>It applies to all handlers, not only {@code @RestController}s, because a 404 of an unknown path or a 405
 * is raised before any controller is chosen. Page requests are declined (the exception is rethrown unchanged),
 * so Spring MVC's default resolver turns them into the HTML error page with the right status.
 */
@RestControllerAdvice
class ApiExceptionHandler extends ResponseEntityExceptionHandler {

	@ExceptionHandler(ApiProblem.class)
	ResponseEntity<ProblemDetail> handle(ApiProblem problem, HttpServletRequest request) {
		if (!ApiPaths.isApi(request)) {
			throw problem;
		}
		return ResponseEntity.status(problem.status()).body(problem.toProblemDetail());
	}

	/**
	 * A multipart body that cannot be parsed (truncated, too many parts, …); exceeding the size limits is a
	 * {@code MaxUploadSizeExceededException}, which the base class answers with 413.
	 */
	@ExceptionHandler(MultipartException.class)
	ResponseEntity<ProblemDetail> multipart(MultipartException ex, HttpServletRequest request) throws Exception {
		if (!ApiPaths.isApi(request) || ex instanceof MaxUploadSizeExceededException) {
			throw ex;
		}
		Throwable cause = ex.getMostSpecificCause();
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST,
				"The multipart body cannot be read: " + cause.getMessage());
		problem.setType(URI.create(ApiProblem.TYPE_BASE + "multipart-invalid"));
		return ResponseEntity.badRequest().body(problem);
	}

	/**
	 * Spring Security's firewall checks header and parameter values when they are first read, which is inside the
	 * controller: a NUL or a non-printable character there is the client's error, not ours.
	 */
	@ExceptionHandler(RequestRejectedException.class)
	@Nullable ResponseEntity<ProblemDetail> rejected(RequestRejectedException ex, HttpServletRequest request,
			HttpServletResponse response) throws IOException {
		return answer(request, response, HttpStatus.BAD_REQUEST, "request-rejected",
				"The request holds a header or parameter value that is not allowed (control or unprintable characters)");
	}

	/**
	 * The database refused a row. A unique violation is a lost race between two requests creating the same name
	 * (both checked it was free, one committed first): 409, as when the name was taken before. A data exception
	 * (SQLSTATE class 22: text it cannot store, a value too long) is bad input that slipped past validation: 400.
	 * Either way the transaction rolled back, so nothing was stored.
	 */
	@ExceptionHandler(DataIntegrityViolationException.class)
	@Nullable ResponseEntity<ProblemDetail> integrity(DataIntegrityViolationException ex, HttpServletRequest request,
			HttpServletResponse response) throws Exception {
		String state = sqlState(ex);
		if (state != null && state.equals("23505")) {
			return answer(request, response, HttpStatus.CONFLICT, "conflict",
					"Another request created an object with the same name at the same time; choose another name or retry");
		}
		if (state != null && state.equals("23503")) {
			return answer(request, response, HttpStatus.CONFLICT, "conflict",
					"An object this request refers to was removed at the same time; retry");
		}
		if (state != null && state.startsWith("22")) {
			return answer(request, response, HttpStatus.BAD_REQUEST, "value-invalid",
					"A value of the request cannot be stored (too long, out of range or not text)");
		}
		return unexpected(ex, request);
	}

	/** A problem detail under {@code /api}; for a page, the error page with that status and message. */
	private static @Nullable ResponseEntity<ProblemDetail> answer(HttpServletRequest request,
			HttpServletResponse response, HttpStatus status, String type, String detail) throws IOException {
		if (!ApiPaths.isApi(request)) {
			response.sendError(status.value(), detail);
			return null;
		}
		return problem(status, type, detail);
	}

	/** The SQLSTATE of the database error behind {@code ex}, if there is one. */
	private static @Nullable String sqlState(Throwable ex) {
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (cause instanceof SQLException sql && sql.getSQLState() != null) {
				return sql.getSQLState();
			}
		}
		return null;
	}

	private static ResponseEntity<ProblemDetail> problem(HttpStatus status, String type, String detail) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
		problem.setType(URI.create(ApiProblem.TYPE_BASE + type));
		return ResponseEntity.status(status).body(problem);
	}

	/**
	 * Any other failure of an API request is a 500 problem whose detail gives nothing away; the stack trace goes
	 * to the log. Security exceptions are left to Spring Security (401/403).
	 */
	@ExceptionHandler(Exception.class)
	ResponseEntity<ProblemDetail> unexpected(Exception ex, HttpServletRequest request) throws Exception {
		if (!ApiPaths.isApi(request) || ex instanceof AccessDeniedException || ex instanceof AuthenticationException) {
			throw ex;
		}
		logger.error("Unexpected error on " + request.getMethod() + " " + request.getRequestURI(), ex);
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.INTERNAL_SERVER_ERROR,
				"An unexpected error occurred; it has been logged");
		problem.setType(URI.create(ApiProblem.TYPE_BASE + "internal-error"));
		return ResponseEntity.internalServerError().body(problem);
	}

	@Override
	protected @Nullable ResponseEntity<Object> handleExceptionInternal(Exception ex, @Nullable Object body,
			HttpHeaders headers, HttpStatusCode statusCode, WebRequest request) {
		HttpServletRequest servletRequest = ((NativeWebRequest) request).getNativeRequest(HttpServletRequest.class);
		if (servletRequest != null && !ApiPaths.isApi(servletRequest)) {
			throw ApiExceptionHandler.<RuntimeException>rethrow(ex);
		}
		return super.handleExceptionInternal(ex, body, headers, statusCode, request);
	}

	/** Rethrows a checked exception unchanged: the resolver chain then treats it as "not handled here". */
	@SuppressWarnings("unchecked")
	private static <E extends Throwable> E rethrow(Throwable ex) throws E {
		throw (E) ex;
	}

}

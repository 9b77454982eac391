package dev.vlmr1.studio.web;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponse;

/**
 * An error any module throws to answer with an RFC 9457 problem detail: a status, a stable type slug (e.g.
 * {@code "dataset-invalid"}, served as {@code https://vlm-r1.dev/problems/dataset-invalid}), a title, a detail
 * message for people and extra properties for programs (e.g. the validation report).
 *
 * <p>Under {@code /api/**} it becomes an {@code application/problem+json} body; thrown by a page controller it
 * becomes the error page with its status (it is an {@link ErrorResponse}, which Spring MVC maps to a status).
 */
public class ApiProblem extends RuntimeException implements ErrorResponse {

	public static final String TYPE_BASE = "https://vlm-r1.dev/problems/";

	private final HttpStatus status;

	private final String type;

	private final String title;

	private final Map<String, Object> properties = new LinkedHashMap<>();

	public ApiProblem(HttpStatus status, String type, String title, String detail) {
		super(detail);
		this.status = status;
		this.type = type;
		this.title = title;
	}

	public static ApiProblem notFound(String what) {
		return new ApiProblem(HttpStatus.NOT_FOUND, "not-found", "Not found", what + " does not exist");
	}

	public static ApiProblem badRequest(String type, String detail) {
		return new ApiProblem(HttpStatus.BAD_REQUEST, type, "Bad request", detail);
	}

	public static ApiProblem forbidden(String detail) {
		return new ApiProblem(HttpStatus.FORBIDDEN, "forbidden", "Forbidden", detail);
	}

	public static ApiProblem conflict(String type, String detail) {
		return new ApiProblem(HttpStatus.CONFLICT, type, "Conflict", detail);
	}

	/** Adds a machine-readable property (e.g. {@code errors}, {@code report}) to the problem body. */
	public ApiProblem with(String name, Object value) {
		properties.put(name, value);
		return this;
	}

	public HttpStatus status() {
		return status;
	}

	/** The problem type's last segment (e.g. {@code not-found}). */
	public String type() {
		return type;
	}

	/** A property added with {@link #with}, or null. */
	public @org.jspecify.annotations.Nullable Object property(String name) {
		return properties.get(name);
	}

	@Override
	public HttpStatusCode getStatusCode() {
		return status;
	}

	@Override
	public ProblemDetail getBody() {
		return toProblemDetail();
	}

	public ProblemDetail toProblemDetail() {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, getMessage());
		problem.setType(URI.create(TYPE_BASE + type));
		problem.setTitle(title);
		properties.forEach(problem::setProperty);
		return problem;
	}

}

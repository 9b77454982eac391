package dev.vlmr1.studio.web;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.web.firewall.RequestRejectedException;
import org.springframework.security.web.firewall.RequestRejectedHandler;

/**
 * Answers a request that Spring Security's firewall refuses before any filter runs (an encoded NUL, slash or
 * percent in the path, a malformed header) with 400: a problem detail under {@code /api}, the plain error page
 * elsewhere. Spring Security uses the one bean of this type it finds.
 */
class RejectedRequestProblems implements RequestRejectedHandler {

	private final JsonMapper json;

	RejectedRequestProblems(JsonMapper json) {
		this.json = json;
	}

	@Override
	public void handle(HttpServletRequest request, HttpServletResponse response,
			RequestRejectedException rejected) throws IOException {
		if (!ApiPaths.isApi(request)) {
			response.sendError(HttpStatus.BAD_REQUEST.value());
			return;
		}
		Map<String, Object> problem = new LinkedHashMap<>();
		problem.put("type", ApiProblem.TYPE_BASE + "request-rejected");
		problem.put("title", "Bad request");
		problem.put("status", HttpStatus.BAD_REQUEST.value());
		problem.put("detail", "The request's path or headers hold characters that are not allowed "
				+ "(control characters, encoded '/', '%' or '.' segments)");
		response.setStatus(HttpStatus.BAD_REQUEST.value());
		response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
		response.setCharacterEncoding("UTF-8");
		json.writeValue(response.getOutputStream(), problem);
	}

}

package dev.vlmr1.studio.security;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;

import dev.vlmr1.studio.web.ApiProblem;
import dev.vlmr1.studio.web.OpenAiErrors;

/**
 * The API's answers to "who are you?" (401, with {@code WWW-Authenticate: Bearer}) and "you may not" (403), as
 * RFC 9457 problem details (OpenAI's error shape on the OpenAI-compatible routes): never a redirect to the login
 * page, never an HTML page.
 */
final class ApiProblemResponses implements AuthenticationEntryPoint, AccessDeniedHandler {

	private final JsonMapper json;

	ApiProblemResponses(JsonMapper json) {
		this.json = json;
	}

	@Override
	public void commence(HttpServletRequest request, HttpServletResponse response,
			AuthenticationException authException) throws IOException {
		response.setHeader("WWW-Authenticate", "Bearer realm=\"vlm-r1-studio\"");
		write(request, response, HttpStatus.UNAUTHORIZED, "unauthorized", "Unauthorized",
				"A valid API token is required: Authorization: Bearer vlm_<prefix>_<secret>", "invalid_api_key");
	}

	@Override
	public void handle(HttpServletRequest request, HttpServletResponse response,
			AccessDeniedException accessDeniedException) throws IOException {
		write(request, response, HttpStatus.FORBIDDEN, "forbidden", "Forbidden",
				"This token or user may not do this (a READ token may only use GET)", "insufficient_permissions");
	}

	/** A problem, or OpenAI's error shape with {@code openAiCode} on the OpenAI-compatible routes. */
	private void write(HttpServletRequest request, HttpServletResponse response, HttpStatus status, String type,
			String title, String detail, String openAiCode) throws IOException {
		response.setStatus(status.value());
		response.setCharacterEncoding("UTF-8");
		if (OpenAiErrors.isOpenAiPath(request)) {
			response.setContentType(MediaType.APPLICATION_JSON_VALUE);
			json.writeValue(response.getOutputStream(),
					OpenAiErrors.body(detail, OpenAiErrors.INVALID_REQUEST, null, openAiCode));
			return;
		}
		Map<String, Object> problem = new LinkedHashMap<>();
		problem.put("type", ApiProblem.TYPE_BASE + type);
		problem.put("title", title);
		problem.put("status", status.value());
		problem.put("detail", detail);
		problem.put("instance", request.getRequestURI());
		response.setStatus(status.value());
		response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
		response.setCharacterEncoding("UTF-8");
		json.writeValue(response.getOutputStream(), problem);
	}

}

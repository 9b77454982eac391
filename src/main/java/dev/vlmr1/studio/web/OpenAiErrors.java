package dev.vlmr1.studio.web;

import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;

/**
 * The OpenAI-compatible routes ({@code /api/v1/chat/completions}, {@code /api/v1/models[/…]}) answer errors in
 * OpenAI's shape, {@code {"error": {"message", "type", "param", "code"}}}, because OpenAI's SDKs read only that
 * (an RFC 9457 body reaches their users as "400 status code (no body)"). The rest of the API keeps problem details.
 */
public final class OpenAiErrors {

	public static final String INVALID_REQUEST = "invalid_request_error";

	private OpenAiErrors() {
	}

	/** Whether {@code request} targets one of the OpenAI-compatible routes (context path excluded). */
	public static boolean isOpenAiPath(HttpServletRequest request) {
		String path = request.getRequestURI().substring(request.getContextPath().length());
		return path.equals("/api/v1/chat/completions") || path.equals("/api/v1/models")
				|| path.startsWith("/api/v1/models/");
	}

	/**
	 * The error body.
	 * @param type OpenAI's error class ({@code invalid_request_error}, {@code server_error}, …)
	 * @param param the request field at fault, or null
	 * @param code a machine-readable reason, or null
	 */
	public static Map<String, Object> body(String message, String type, @Nullable String param,
			@Nullable String code) {
		Map<String, Object> error = new LinkedHashMap<>();
		error.put("message", message);
		error.put("type", type);
		error.put("param", param);
		error.put("code", code);
		return Map.of("error", error);
	}

}

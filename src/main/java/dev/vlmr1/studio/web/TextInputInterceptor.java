package dev.vlmr1.studio.web;

import java.util.List;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.HandlerMapping;

/**
 * Checks what a request carries outside its body before the handler runs: path variables, query and form
 * parameters (multipart text fields included) must be {@link TextInput acceptable text}, and the headers the
 * application itself interprets must be printable ASCII, as their grammars (RFC 9110 entity tags, the SSE event id,
 * an idempotency key string) demand. A violation is a 400 problem; nothing has been read or stored yet.
 */
class TextInputInterceptor implements HandlerInterceptor {

	/** Headers a controller reads as values of its own (not those the container or Spring Security handle). */
	static final List<String> APPLICATION_HEADERS = List.of("Idempotency-Key", "Last-Event-ID", "If-Match");

	@Override
	public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
		if (request.getAttribute(HandlerMapping.URI_TEMPLATE_VARIABLES_ATTRIBUTE) instanceof Map<?, ?> variables) {
			variables.forEach((name, value) -> TextInput.require(String.valueOf(name), String.valueOf(value)));
		}
		for (var parameter : request.getParameterMap().entrySet()) {
			TextInput.require("parameter name", parameter.getKey());
			for (String value : parameter.getValue()) {
				TextInput.require(parameter.getKey(), value);
			}
		}
		for (String header : APPLICATION_HEADERS) {
			String value = request.getHeader(header);
			if (value != null && !printableAscii(value)) {
				throw ApiProblem.badRequest("header-invalid", header + " must be printable ASCII")
					.with("header", header);
			}
		}
		return true;
	}

	private static boolean printableAscii(String value) {
		for (int i = 0; i < value.length(); i++) {
			char c = value.charAt(i);
			if (c < 0x20 || c > 0x7e) {
				return false;
			}
		}
		return true;
	}

}

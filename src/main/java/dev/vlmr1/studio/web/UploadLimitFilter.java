package dev.vlmr1.studio.web;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.util.unit.DataSize;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses a request whose declared {@code Content-Length} exceeds the multipart request limit with 413, before a
 * byte of the body is read: it runs ahead of Spring Security, whose CSRF check would otherwise parse a multipart
 * body to look for the {@code _csrf} field. Bodies sent without a length (chunked) are still bounded by the
 * servlet container's multipart limits, which Spring MVC reports as 413 too.
 */
class UploadLimitFilter extends OncePerRequestFilter {

	private final long maxRequestBytes;

	private final JsonMapper json;

	UploadLimitFilter(DataSize maxRequestSize, JsonMapper json) {
		this.maxRequestBytes = maxRequestSize.toBytes();
		this.json = json;
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		long declared = declaredLength(request);
		if (maxRequestBytes >= 0 && declared > maxRequestBytes) {
			// The client may still be sending: closing tells the container not to drain the body.
			response.setHeader("Connection", "close");
			Map<String, Object> problem = new LinkedHashMap<>();
			problem.put("type", ApiProblem.TYPE_BASE + "payload-too-large");
			problem.put("title", "Payload too large");
			problem.put("status", HttpStatus.CONTENT_TOO_LARGE.value());
			problem.put("detail",
					"The request body (" + declared + " bytes) exceeds the limit of " + maxRequestBytes + " bytes");
			problem.put("instance", request.getRequestURI());
			problem.put("maxBytes", maxRequestBytes);
			response.setStatus(HttpStatus.CONTENT_TOO_LARGE.value());
			response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
			response.setCharacterEncoding("UTF-8");
			json.writeValue(response.getOutputStream(), problem);
			// send it now: the container may otherwise try to drain the unread body before answering
			response.flushBuffer();
			return;
		}
		chain.doFilter(request, response);
	}

	/** The length the client announced; the header is read too because some request wrappers report -1. */
	private static long declaredLength(HttpServletRequest request) {
		long length = request.getContentLengthLong();
		String header = request.getHeader("Content-Length");
		if (header != null) {
			try {
				length = Math.max(length, Long.parseLong(header.trim()));
			}
			catch (NumberFormatException ex) {
				// a malformed length is the container's business (it answers 400)
			}
		}
		return length;
	}

}

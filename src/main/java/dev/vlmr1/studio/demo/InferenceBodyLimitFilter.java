package dev.vlmr1.studio.demo;

import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.MediaType;
import org.springframework.web.filter.OncePerRequestFilter;

import dev.vlmr1.studio.web.ApiProblem;
import dev.vlmr1.studio.web.OpenAiErrors;

/**
 * Bounds the body of an inference request ({@code studio.demo.max-request-bytes}): a declared length over the limit
 * is refused with 413 before a byte is read, and a body sent without a length (chunked) is cut off with the same
 * problem as soon as it goes over. The application-wide upload limit is gigabytes (dataset archives); a chat
 * request held in memory as JSON must not be.
 */
class InferenceBodyLimitFilter extends OncePerRequestFilter {

	static final String[] PATHS = { "/api/v1/chat/completions", "/api/demo/rec", "/api/demo/ovd", "/demo/rec/predict",
			"/demo/ovd/predict" };

	private final long maxBytes;

	private final JsonMapper json;

	InferenceBodyLimitFilter(long maxBytes, JsonMapper json) {
		this.maxBytes = maxBytes;
		this.json = json;
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		long declared = request.getContentLengthLong();
		if (declared > maxBytes) {
			// the client may still be sending: closing tells the container not to drain the body
			response.setHeader("Connection", "close");
			response.setStatus(413);
			response.setCharacterEncoding("UTF-8");
			if (OpenAiErrors.isOpenAiPath(request)) {
				response.setContentType(MediaType.APPLICATION_JSON_VALUE);
				json.writeValue(response.getOutputStream(), OpenAiErrorHandler.body(tooLarge(declared)));
			}
			else {
				response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
				json.writeValue(response.getOutputStream(), tooLarge(declared).toProblemDetail());
			}
			response.flushBuffer();
			return;
		}
		chain.doFilter(declared < 0 ? new Bounded(request) : request, response);
	}

	private ApiProblem tooLarge(long bytes) {
		return DemoService.requestTooLarge("max-request-bytes", "the request body " + (bytes < 0 ? "goes over"
				: "has " + bytes + " bytes, more than") + " the limit of " + maxBytes + " bytes (max-request-bytes)",
				"body");
	}

	/** A request whose body stream fails with the 413 problem once more than the limit has been read. */
	private final class Bounded extends HttpServletRequestWrapper {

		private ServletInputStream stream;

		Bounded(HttpServletRequest request) {
			super(request);
		}

		@Override
		public ServletInputStream getInputStream() throws IOException {
			if (stream == null) {
				stream = new Counting(super.getInputStream());
			}
			return stream;
		}

	}

	private final class Counting extends ServletInputStream {

		private final ServletInputStream in;

		private long read;

		Counting(ServletInputStream in) {
			this.in = in;
		}

		@Override
		public int read() throws IOException {
			int b = in.read();
			if (b >= 0) {
				count(1);
			}
			return b;
		}

		@Override
		public int read(byte[] buffer, int offset, int length) throws IOException {
			int n = in.read(buffer, offset, length);
			if (n > 0) {
				count(n);
			}
			return n;
		}

		private void count(int n) {
			read += n;
			if (read > maxBytes) {
				throw tooLarge(-1);
			}
		}

		@Override
		public boolean isFinished() {
			return in.isFinished();
		}

		@Override
		public boolean isReady() {
			return in.isReady();
		}

		@Override
		public void setReadListener(ReadListener listener) {
			in.setReadListener(listener);
		}

	}

}

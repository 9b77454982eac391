package dev.vlmr1.studio.web;

import jakarta.servlet.http.HttpServletRequest;

/** Which requests belong to the REST API: everything under {@code /api/}, stateless and bearer-only. */
public final class ApiPaths {

	/** The security matcher pattern of the API. */
	public static final String PATTERN = "/api/**";

	private ApiPaths() {
	}

	/** Whether {@code request} targets the REST API (context path excluded). */
	public static boolean isApi(HttpServletRequest request) {
		String path = request.getRequestURI().substring(request.getContextPath().length());
		return path.equals("/api") || path.startsWith("/api/");
	}

}

package dev.vlmr1.studio.security;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import org.springframework.web.util.pattern.PathPattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.request;

/**
 * Deny by default, generated: every {@code /api} endpoint any module maps (read from Spring MVC's handler mapping,
 * so a new one is covered automatically) answers an anonymous call with a 401 problem (OpenAI's error shape under /api/v1), never a redirect or data.
 */
@SpringBootTest
@AutoConfigureMockMvc
class ApiDenyByDefaultTests {

	@Autowired
	MockMvc mvc;

	@Autowired
	@Qualifier("requestMappingHandlerMapping")
	RequestMappingHandlerMapping mappings;

	@Test
	void everyApiEndpointRefusesAnonymousCalls() throws Exception {
		List<String> endpoints = apiEndpoints();
		assertThat(endpoints).contains("POST /api/tokens", "GET /api/tokens", "DELETE /api/tokens/1", "POST /api/models",
				"GET /api/models/1", "POST /api/users");
		List<String> open = new ArrayList<>();
		for (String endpoint : endpoints) {
			String[] methodAndPath = endpoint.split(" ", 2);
			var response = mvc.perform(request(HttpMethod.valueOf(methodAndPath[0]), methodAndPath[1])
				.contentType(MediaType.APPLICATION_JSON)
				.content("{}")).andReturn().getResponse();
			// the OpenAI-compatible routes answer OpenAI's error shape, so its SDKs raise a typed AuthenticationError
			String errorType = methodAndPath[1].startsWith("/api/v1/") ? "application/json" : "application/problem+json";
			boolean refused = response.getStatus() == 401 && String.valueOf(response.getContentType()).startsWith(errorType)
					&& (!errorType.equals("application/json") || response.getContentAsString().contains("\"invalid_api_key\""));
			if (!refused) {
				open.add(endpoint + " -> " + response.getStatus());
			}
		}
		assertThat(open).as("API endpoints that do not answer 401 to anonymous callers").isEmpty();
	}

	/** "METHOD /path" for every mapped API handler, path variables filled with 1. */
	private List<String> apiEndpoints() {
		List<String> endpoints = new ArrayList<>();
		for (RequestMappingInfo info : mappings.getHandlerMethods().keySet()) {
			if (info.getPathPatternsCondition() == null) {
				continue;
			}
			Set<RequestMethod> methods = info.getMethodsCondition().getMethods();
			for (PathPattern pattern : info.getPathPatternsCondition().getPatterns()) {
				String path = pattern.getPatternString().replaceAll("\\{[^}]+}", "1").replace("/**", "/x");
				if (!path.startsWith("/api/")) {
					continue;
				}
				for (RequestMethod method : methods.isEmpty() ? Set.of(RequestMethod.GET) : methods) {
					endpoints.add(method.name() + " " + path);
				}
			}
		}
		return endpoints;
	}

}

package dev.vlmr1.studio.web;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.context.ApplicationContext;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;

import dev.vlmr1.studio.web.TestUsers.TestUser;

import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.multipart;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.put;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/** Every {@code /api} error is an RFC 9457 problem: unknown paths, wrong methods and media types, bad JSON, 413. */
@SpringBootTest
@AutoConfigureMockMvc
class ApiErrorIntegrationTests {

	@Autowired
	MockMvc mvc;

	@Autowired
	ApplicationContext context;

	TestUser alice;

	@BeforeEach
	void createUser() {
		alice = new TestUsers(context).create("alice");
	}

	@Test
	void unknownApiPathIsA404Problem() throws Exception {
		mvc.perform(get("/api/no-such-endpoint").with(alice.api()))
			.andExpect(status().isNotFound())
			.andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
			.andExpect(jsonPath("$.status").value(404));
	}

	@Test
	void wrongMethodIsA405Problem() throws Exception {
		mvc.perform(put("/api/tokens").with(alice.api()).contentType(MediaType.APPLICATION_JSON).content("{}"))
			.andExpect(status().isMethodNotAllowed())
			.andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
			.andExpect(jsonPath("$.status").value(405));
	}

	@Test
	void wrongMediaTypeIsA415Problem() throws Exception {
		mvc.perform(post("/api/tokens").with(alice.api()).contentType(MediaType.TEXT_PLAIN).content("name=x"))
			.andExpect(status().isUnsupportedMediaType())
			.andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON));
	}

	@Test
	void malformedJsonIsA400Problem() throws Exception {
		mvc.perform(post("/api/tokens").with(alice.api()).contentType(MediaType.APPLICATION_JSON).content("{\"name\":"))
			.andExpect(status().isBadRequest())
			.andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON));
	}

	@Test
	void anApiProblemKeepsItsTypeAndProperties() throws Exception {
		mvc.perform(post("/api/tokens").with(alice.api()).contentType(MediaType.APPLICATION_JSON).content("{}"))
			.andExpect(status().isBadRequest())
			.andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
			.andExpect(jsonPath("$.type").value("https://vlm-r1.dev/problems/token-invalid"))
			.andExpect(jsonPath("$.field").value("name"))
			.andExpect(jsonPath("$.detail").value("name is required"));
	}

	@Test
	void anOversizedUploadIsRefusedFromItsContentLength() throws Exception {
		// declares 5 GB (the limit is spring.servlet.multipart.max-request-size, 4 GB) but sends a few bytes:
		// the answer comes from the header alone, before anything reads the body or checks the token
		mvc.perform(multipart("/api/datasets").file("file", new byte[] { 1, 2, 3 })
			.header("Content-Length", String.valueOf(5L * 1024 * 1024 * 1024))
			.with(alice.api()))
			.andExpect(status().isPayloadTooLarge())
			.andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
			.andExpect(jsonPath("$.status").value(413))
			.andExpect(jsonPath("$.maxBytes").value(4L * 1024 * 1024 * 1024));
	}

	@Test
	void pageErrorsStayPages() throws Exception {
		mvc.perform(get("/no-such-page").with(alice.page()))
			.andExpect(status().isNotFound())
			.andExpect(content().string(""));
		// an ApiProblem thrown by a page controller becomes the error page with its status, not JSON
		mvc.perform(post("/models/" + Long.MAX_VALUE + "/delete").with(alice.page()).with(csrf()))
			.andExpect(status().isNotFound())
			.andExpect(content().string(""));
	}

}

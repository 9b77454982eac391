package dev.vlmr1.studio.dataset;

import com.jayway.jsonpath.JsonPath;
import dev.vlmr1.studio.web.TestUsers.TestUser;
import org.junit.jupiter.api.Test;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.multipart;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrl;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/** The dataset pages and their session-authenticated data endpoints ({@code /datasets/data/**}). */
class DatasetPageTests extends DatasetTestSupport {

	@Test
	void pagesRenderTheListTheUploadFormAndADatasetWithItsReportAsText() throws Exception {
		TestUser user = newUser();
		String body = mvc.perform(multipart("/datasets/data").file(jsonl("jsonl", "p.jsonl",
				textOnly(1, "<img src=x onerror=alert(1)>", "a"), "{broken")).param("name", "<b>page</b>")
			.param("mode", "skip_invalid").with(user.page()).with(csrf()))
			.andExpect(status().isCreated())
			.andReturn().getResponse().getContentAsString();
		long id = JsonPath.parse(body).read("$.id", Long.class);
		mvc.perform(get("/datasets").with(user.page()))
			.andExpect(status().isOk())
			.andExpect(content().string(containsString("&lt;b&gt;page&lt;/b&gt;")))
			.andExpect(content().string(not(containsString("<b>page</b>"))));
		mvc.perform(get("/datasets/new").with(user.page()))
			.andExpect(status().isOk())
			.andExpect(content().string(containsString("name=\"_csrf\"")))
			.andExpect(content().string(containsString("/app/dataset-upload.js")));
		mvc.perform(get("/datasets/{id}", id).with(user.page()))
			.andExpect(status().isOk())
			.andExpect(content().string(containsString("invalid_json")))
			.andExpect(content().string(containsString("/app/dataset-gallery.js")));
		mvc.perform(get("/datasets/data/{id}/samples", id).with(user.page()))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.items[0].question").value("<img src=x onerror=alert(1)>"));
		TestUser other = newUser();
		mvc.perform(get("/datasets/{id}", id).with(other.page())).andExpect(status().isNotFound());
		mvc.perform(post("/datasets/{id}/delete", id).with(other.page()).with(csrf())).andExpect(status().isNotFound());
		mvc.perform(post("/datasets/{id}/delete", id).with(user.page()).with(csrf()))
			.andExpect(redirectedUrl("/datasets"));
	}

	@Test
	void pageUploadsNeedACsrfTokenAndPagesNeedALogin() throws Exception {
		TestUser user = newUser();
		mvc.perform(multipart("/datasets/data").file(jsonl("jsonl", "p.jsonl", textOnly(1, "q", "a")))
			.param("name", "no-csrf").with(user.page())).andExpect(status().isForbidden());
		mvc.perform(get("/datasets/data/uploads/{id}", "nope").with(user.page())).andExpect(status().isNotFound());
		mvc.perform(get("/datasets")).andExpect(status().is3xxRedirection());
		mvc.perform(get("/datasets/data/1/samples")).andExpect(status().is3xxRedirection());
	}

}

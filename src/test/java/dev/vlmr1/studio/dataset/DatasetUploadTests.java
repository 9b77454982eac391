package dev.vlmr1.studio.dataset;

import dev.vlmr1.studio.web.CurrentUser;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/** Happy paths of {@code POST /api/datasets} and the read endpoints. */
class DatasetUploadTests extends DatasetTestSupport {

	@Test
	void singleImageRecRowsAreStoredWithTheirImage() throws Exception {
		CurrentUser user = newUser();
		var result = mvc.perform(upload(user, "rec-small", "strict")
			.file(jsonl("jsonl", "rec.jsonl", rec(1, "images/a.png", "[10, 12, 50.5, 40]"),
					rec(2, "images/a.png", "<answer>[1,2,3,4]</answer>")))
			.file(file("images[0]", "images/a.png", png(64, 48))))
			.andExpect(status().isCreated())
			.andExpect(jsonPath("$.sampleCount", is(2)))
			.andExpect(jsonPath("$.imageCount", is(1)))
			.andExpect(jsonPath("$.taskCounts.rec", is(2)))
			.andExpect(jsonPath("$.files[0].name", is("rec.jsonl")))
			.andExpect(jsonPath("$.files[0].imageSource", is("files")))
			.andExpect(jsonPath("$.report", hasSize(0)))
			.andReturn();
		long id = com.jayway.jsonpath.JsonPath.parse(result.getResponse().getContentAsString()).read("$.id", Long.class);
		mvc.perform(get("/api/datasets/{id}/samples", id).with(as(user)))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.total", is(2)))
			.andExpect(jsonPath("$.items[0].line", is(1)))
			.andExpect(jsonPath("$.items[0].taskType", is("rec")))
			.andExpect(jsonPath("$.items[0].images[0].width", is(64)))
			.andExpect(jsonPath("$.items[0].boxes[0].box[2]", is(50.5)));
		String sha = jdbc.queryForObject("SELECT sha256 FROM dataset_images WHERE dataset_id = ?", String.class, id);
		mvc.perform(get("/api/datasets/{id}/images/{sha}", id, sha).with(as(user)))
			.andExpect(status().isOk())
			.andExpect(header().string("Content-Type", "image/png"))
			.andExpect(header().string("X-Content-Type-Options", "nosniff"));
		assertThat(stagingFiles()).isZero();
	}

}

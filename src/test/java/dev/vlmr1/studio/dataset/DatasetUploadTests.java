package dev.vlmr1.studio.dataset;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;

import com.jayway.jsonpath.JsonPath;
import dev.vlmr1.studio.web.TestUsers.TestUser;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.request.MockMultipartHttpServletRequestBuilder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/** Happy paths of {@code POST /api/datasets}, the read endpoints, re-upload policy, delete and access rules. */
class DatasetUploadTests extends DatasetTestSupport {

	@Autowired
	DatasetManagement management;

	private long created(MockMultipartHttpServletRequestBuilder request) throws Exception {
		MvcResult result = mvc.perform(request).andExpect(status().isCreated()).andReturn();
		return JsonPath.parse(result.getResponse().getContentAsString()).read("$.id", Long.class);
	}

	@Test
	void linesAsVlmR1ReadsThemAreStoredAndTheReportSaysWhatWasNormalised() throws Exception {
		TestUser user = newUser();
		String human = "{\"from\": \"human\", \"value\": \"<image>Please provide the bounding box coordinate of the "
				+ "region this sentence describes: <ref>red square</ref>\"}";
		var result = mvc.perform(upload(user, "vlm-r1-lines", "strict")
			.file(jsonl("jsonl", "refcoco_internvl.jsonl",
					// InternVL-style: no id, two exchanges
					"{\"image\": \"a.png\", \"width\": 64, \"height\": 48, \"conversations\": [" + human
							+ ", {\"from\": \"gpt\", \"value\": \"[16, 12, 48, 36]\"}, " + human
							+ ", {\"from\": \"gpt\", \"value\": \"[1, 1, 2, 2]\"}]}",
					// the solution as a JSON list and a JSON dict list, no id
					"{\"image\": \"a.png\", \"conversations\": [" + human + ", {\"from\": \"gpt\", \"value\": [16, 12, 48, 36]}]}",
					"{\"image\": \"a.png\", \"conversations\": [" + human
							+ ", {\"from\": \"gpt\", \"value\": [{\"bbox_2d\": [16, 12, 48, 36], \"label\": \"red square\"}]}]}",
					rec(4, "a.png", "[16, 12, 48, 36]")))
			.file(file("images[0]", "a.png", png(64, 48))))
			.andExpect(status().isCreated())
			.andExpect(jsonPath("$.sampleCount", is(4)))
			.andExpect(jsonPath("$.taskCounts.rec", is(3)))
			.andExpect(jsonPath("$.taskCounts.other", is(1)))
			.andExpect(jsonPath("$.report", hasSize(0)))
			.andExpect(jsonPath("$.normalised", hasSize(3)))
			.andExpect(jsonPath("$.normalised[0].code", is("id_absent")))
			.andExpect(jsonPath("$.normalised[0].count", is(3)))
			.andExpect(jsonPath("$.normalised[0].examples[2]", is("refcoco_internvl.jsonl:3")))
			.andExpect(jsonPath("$.normalised[1].code", is("first_exchange_only")))
			.andExpect(jsonPath("$.normalised[1].count", is(1)))
			.andExpect(jsonPath("$.normalised[2].code", is("solution_stringified")))
			.andExpect(jsonPath("$.normalised[2].count", is(2)))
			.andExpect(jsonPath("$.normalised[2].examples[0]", is("refcoco_internvl.jsonl:2")))
			.andReturn();
		long id = JsonPath.parse(result.getResponse().getContentAsString()).read("$.id", Long.class);
		mvc.perform(get("/api/datasets/{id}/samples", id).with(as(user)))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.items[0].key").doesNotExist())
			.andExpect(jsonPath("$.items[0].solution", is("[16, 12, 48, 36]")))
			.andExpect(jsonPath("$.items[1].solution", is("[16, 12, 48, 36]")))
			.andExpect(jsonPath("$.items[1].boxes[0].box[2]", is(48.0)))
			.andExpect(jsonPath("$.items[2].solution", is("[{'bbox_2d': [16, 12, 48, 36], 'label': 'red square'}]")))
			.andExpect(jsonPath("$.items[3].key", is("4")));
		mvc.perform(get("/api/datasets/{id}", id).with(as(user)))
			.andExpect(jsonPath("$.normalised[1].message", is(
					"more than two conversation turns: the first human/gpt exchange is used, as VLM-R1 does")));
		String page = mvc.perform(get("/datasets/{id}", id).with(user.page()))
			.andExpect(status().isOk())
			.andReturn()
			.getResponse()
			.getContentAsString(StandardCharsets.UTF_8);
		assertThat(page).contains("Read as VLM-R1 reads them", "solution_stringified",
				"refcoco_internvl.jsonl:1, refcoco_internvl.jsonl:2, refcoco_internvl.jsonl:3");
	}

	@Test
	void singleImageRecRowsAreStoredWithTheirImage() throws Exception {
		TestUser user = newUser();
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
		long id = JsonPath.parse(result.getResponse().getContentAsString()).read("$.id", Long.class);
		mvc.perform(get("/api/datasets/{id}/samples", id).with(as(user)))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.total", is(2)))
			.andExpect(jsonPath("$.items[0].line", is(1)))
			.andExpect(jsonPath("$.items[0].taskType", is("rec")))
			.andExpect(jsonPath("$.items[0].images[0].width", is(64)))
			.andExpect(jsonPath("$.items[0].boxes[0].box[2]", is(50.5)));
		String sha = jdbc.queryForObject("SELECT sha256 FROM dataset_images WHERE dataset_id = ?", String.class, id);
		assertThat(Files.readAllBytes(studio.artifactsDir().resolve("images/" + sha.substring(0, 2) + "/" + sha.substring(2))))
			.isEqualTo(png(64, 48));
		mvc.perform(get("/api/datasets/{id}/images/{sha}", id, sha).with(as(user)))
			.andExpect(status().isOk())
			.andExpect(header().string("Content-Type", "image/png"))
			.andExpect(header().string("X-Content-Type-Options", "nosniff"));
		assertThat(stagingFiles()).isZero();
	}

	@Test
	void multiImageTextOnlyAndOvdRowsWithTaskTypesAndFilters() throws Exception {
		TestUser user = newUser();
		long id = created(upload(user, "mixed", "strict").file(jsonl("jsonl", "mixed.jsonl",
				"{\"id\": 1, \"image\": [\"a.png\", \"b.png\"], \"conversations\": [{\"from\": \"human\", \"value\": "
						+ "\"<image><image>How many balls in total?\"}, {\"from\": \"gpt\", \"value\": 3}], "
						+ "\"accu_reward_method\": \"numeric\", \"source\": {\"split\": \"val\"}}",
				"{\"id\": 2, \"image\": [\"a.png\", \"b.png\"], \"conversations\": [{\"from\": \"human\", \"value\": "
						+ "\"Compare the two\"}, {\"from\": \"gpt\", \"value\": \"left\"}]}",
				textOnly(3, "What is 2+2?", "<answer>4</answer>"),
				"{\"id\": 4, \"image\": \"b.png\", \"conversations\": [{\"from\": \"human\", \"value\": \"<image>Detect cat, dog\"}, "
						+ "{\"from\": \"gpt\", \"value\": \"```json\\n[{\\\"bbox_2d\\\": [1, 2, 30, 40], \\\"label\\\": \\\"cat\\\"}, "
						+ "{\\\"bbox_2d\\\": [5, 6, 70, 60], \\\"label\\\": \\\"dog\\\"}]\\n```\"}]}",
				"{\"id\": 5, \"image\": \"b.png\", \"conversations\": [{\"from\": \"human\", \"value\": \"<image>Detect zebra\"}, "
						+ "{\"from\": \"gpt\", \"value\": \"None\"}]}"))
			.file(file("images", "a.png", png(64, 48)))
			.file(file("images", "b.png", png(80, 64))));
		mvc.perform(get("/api/datasets/{id}", id).with(as(user)))
			.andExpect(jsonPath("$.sampleCount", is(5)))
			.andExpect(jsonPath("$.imageCount", is(2)))
			.andExpect(jsonPath("$.taskCounts.counting", is(2)))
			.andExpect(jsonPath("$.taskCounts.ovd", is(2)))
			.andExpect(jsonPath("$.taskCounts.other", is(1)));
		mvc.perform(get("/api/datasets/{id}/samples", id).param("task", "ovd").with(as(user)))
			.andExpect(jsonPath("$.total", is(2)))
			.andExpect(jsonPath("$.items[0].boxes", hasSize(2)))
			.andExpect(jsonPath("$.items[0].boxes[1].label", is("dog")));
		mvc.perform(get("/api/datasets/{id}/samples", id).param("q", "balls").with(as(user)))
			.andExpect(jsonPath("$.total", is(1)))
			.andExpect(jsonPath("$.items[0].images", hasSize(2)))
			.andExpect(jsonPath("$.items[0].accuRewardMethod", is("numeric")))
			.andExpect(jsonPath("$.items[0].extra.source.split", is("val")))
			.andExpect(jsonPath("$.items[0].solution", is("3")));
		mvc.perform(get("/api/datasets/{id}/samples", id).param("q", "2+2").with(as(user)))
			.andExpect(jsonPath("$.items[0].images", hasSize(0)));
	}

	@Test
	void severalJsonlFilesEachWithTheirOwnImagesArchivesOrFolder() throws Exception {
		TestUser user = newUser();
		Path folder = Files.createDirectories(ALLOWED_ROOT.resolve("set-" + UUID.randomUUID()));
		Files.createDirectories(folder.resolve("imgs"));
		Files.write(folder.resolve("imgs/f.png"), png(90, 90));
		long id = created(upload(user, "four-files", "strict")
			.file(jsonl("jsonl", "a.jsonl", rec(1, "x.png", "[1, 2, 3, 4]")))
			.file(jsonl("jsonl", "b.jsonl", rec(1, "dir/x.png", "[1, 2, 3, 4]")))
			.file(jsonl("jsonl", "c.jsonl", rec(1, "x.png", "[1, 2, 3, 4]")))
			.file(jsonl("jsonl", "d.jsonl", rec(1, "imgs/f.png", "[1, 2, 3, 4]")))
			.file(jsonl("jsonl", "e.jsonl", rec(1, "t.png", "[1, 2, 3, 4]")))
			.file(file("images[0]", "x.png", png(40, 40)))
			.file(file("archive[1]", "b.zip", Archives.zip(Map.of("dir/x.png", png(50, 50)))))
			.file(file("archive[2]", "c.tar", Archives.tar(Map.of("x.png", png(60, 60)), false)))
			.param("folder[3]", folder.toString())
			.file(file("archive[4]", "e.tar.gz", Archives.tar(Map.of("t.png", png(70, 70)), true))));
		mvc.perform(get("/api/datasets/{id}", id).with(as(user)))
			.andExpect(jsonPath("$.sampleCount", is(5)))
			.andExpect(jsonPath("$.imageCount", is(5)))
			.andExpect(jsonPath("$.files[*].imageSource", org.hamcrest.Matchers.contains("files", "archive", "archive",
					"folder", "archive")));
		mvc.perform(get("/api/datasets/{id}/samples", id).with(as(user)))
			.andExpect(jsonPath("$.items[*].images[0].width", org.hamcrest.Matchers.contains(40, 50, 60, 90, 70)));
	}

	@Test
	void identicalReuploadReturnsTheSameDatasetAndChangedContentIsANewVersion() throws Exception {
		TestUser user = newUser();
		long first = created(upload(user, "versions", "strict").file(jsonl("jsonl", "t.jsonl", textOnly(1, "q", "a"))));
		var counts = counts();
		mvc.perform(upload(user, "versions", "strict").file(jsonl("jsonl", "t.jsonl", textOnly(1, "q", "a"))))
			.andExpect(status().isOk())
			.andExpect(header().string("Idempotent-Replayed", "true"))
			.andExpect(jsonPath("$.id", is((int) first)))
			.andExpect(jsonPath("$.version", is(1)));
		assertThat(counts()).isEqualTo(counts);
		mvc.perform(upload(user, "versions", "strict").file(jsonl("jsonl", "t.jsonl", textOnly(1, "q", "b"))))
			.andExpect(status().isCreated())
			.andExpect(jsonPath("$.version", is(2)));
	}

	@Test
	void ownersOnlyAnonymousGets401ForeignAndMissingGetTheSame404() throws Exception {
		TestUser alice = newUser();
		TestUser bob = newUser();
		long id = created(upload(alice, "private", "strict")
			.file(jsonl("jsonl", "p.jsonl", rec(1, "a.png", "[1, 2, 3, 4]")))
			.file(file("images", "a.png", png(32, 32))));
		String sha = jdbc.queryForObject("SELECT sha256 FROM dataset_images WHERE dataset_id = ?", String.class, id);
		mvc.perform(get("/api/datasets")).andExpect(status().isUnauthorized());
		mvc.perform(get("/api/datasets/{id}", id)).andExpect(status().isUnauthorized());
		mvc.perform(get("/api/datasets").with(as(bob))).andExpect(jsonPath("$[*].id", org.hamcrest.Matchers.not(
				org.hamcrest.Matchers.hasItem((int) id))));
		for (String path : new String[] { "/api/datasets/" + id, "/api/datasets/" + id + "/samples",
				"/api/datasets/" + id + "/images/" + sha }) {
			String foreign = mvc.perform(get(path).with(as(bob))).andExpect(status().isNotFound()).andReturn()
				.getResponse().getContentAsString();
			String missing = mvc.perform(get(path.replace("/" + id, "/999999")).with(as(bob)))
				.andExpect(status().isNotFound()).andReturn().getResponse().getContentAsString();
			Map<String, Object> a = JsonPath.read(foreign, "$");
			Map<String, Object> b = JsonPath.read(missing, "$");
			a.remove("instance");
			b.remove("instance");
			a.put("detail", a.get("detail").toString().replace("Dataset " + id, "Dataset N"));
			b.put("detail", b.get("detail").toString().replace("Dataset 999999", "Dataset N"));
			assertThat(a).isEqualTo(b);
		}
		mvc.perform(delete("/api/datasets/{id}", id).with(as(bob))).andExpect(status().isNotFound());
		mvc.perform(get("/api/datasets").with(as(alice))).andExpect(jsonPath("$[0].id", is((int) id)));
	}

	@Test
	void deleteIsRefusedWhileInUseThenRemovesRowsAndUnsharedImages() throws Exception {
		TestUser user = newUser();
		long id = created(upload(user, "doomed", "strict")
			.file(jsonl("jsonl", "d.jsonl", rec(1, "a.png", "[1, 2, 3, 4]")))
			.file(file("images", "a.png", png(33, 77))));
		String sha = jdbc.queryForObject("SELECT sha256 FROM dataset_images WHERE dataset_id = ?", String.class, id);
		management.markInUse(new DatasetId(id), "run:1");
		assertThat(management.isInUse(new DatasetId(id))).isTrue();
		assertThat(management.requireUsable(new DatasetId(id), user.user()).sampleCount()).isEqualTo(1);
		mvc.perform(delete("/api/datasets/{id}", id).with(as(user)))
			.andExpect(status().isConflict())
			.andExpect(jsonPath("$.type", is("https://vlm-r1.dev/problems/dataset-in-use")));
		management.releaseUse(new DatasetId(id), "run:1");
		mvc.perform(delete("/api/datasets/{id}", id).with(as(user))).andExpect(status().isNoContent());
		assertThat(jdbc.queryForObject("SELECT count(*) FROM samples WHERE dataset_id = ?", Integer.class, id)).isZero();
		assertThat(jdbc.queryForObject("SELECT count(*) FROM images WHERE sha256 = ?", Integer.class, sha)).isZero();
		assertThat(studio.artifactsDir().resolve("images/" + sha.substring(0, 2) + "/" + sha.substring(2))).doesNotExist();
		mvc.perform(get("/api/datasets/{id}", id).with(as(user))).andExpect(status().isNotFound());
	}

	@Test
	void textIsReturnedVerbatimAndEscapedInJson() throws Exception {
		TestUser user = newUser();
		String[] prompts = { "=HYPERLINK(\\\"http://x\\\")", "@SUM(1)", "+1", "-1", "\\tlead", "<img src=x onerror=alert(1)>" };
		String[] lines = new String[prompts.length];
		for (int i = 0; i < prompts.length; i++) {
			lines[i] = textOnly(i + 1, prompts[i], "x");
		}
		long id = created(upload(user, "inject", "strict").file(jsonl("jsonl", "i.jsonl", lines)));
		String body = mvc.perform(get("/api/datasets/{id}/samples", id).with(as(user)))
			.andReturn().getResponse().getContentAsString(StandardCharsets.UTF_8);
		assertThat(JsonPath.parse(body).read("$.items[*].question", java.util.List.class)).containsExactly(
				"=HYPERLINK(\"http://x\")", "@SUM(1)", "+1", "-1", "\tlead", "<img src=x onerror=alert(1)>");
		assertThat(body).contains("\\\"http://x\\\"").contains("\\tlead").doesNotContain("\tlead");
	}

}

package dev.vlmr1.studio.dataset;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.jayway.jsonpath.JsonPath;
import dev.vlmr1.studio.web.TestUsers.TestUser;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.mock.web.MockMultipartFile;
import org.springframework.test.web.servlet.request.MockMultipartHttpServletRequestBuilder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.is;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/** All-or-nothing ingest (T5.1), skip_invalid with a report (T5.2), uniqueness (T5.7) and the orphan sweep. */
class DatasetReliabilityTests extends DatasetTestSupport {

	@Autowired
	DatasetRemoval removal;

	@Autowired
	ImageStore store;

	/** 1,000 rows over 20 images, each image uploaded once; {@code marker} goes into every question. */
	private MockMultipartHttpServletRequestBuilder thousandRows(TestUser user, String name, String marker) {
		StringBuilder jsonl = new StringBuilder();
		for (int i = 1; i <= 1000; i++) {
			jsonl.append(rec(i, "img" + (i % 20) + ".png", "[1, 2, 30, 20]").replace("red square", marker)).append('\n');
		}
		var request = upload(user, name, "strict").file(new MockMultipartFile("jsonl", "big.jsonl",
				"application/x-ndjson", jsonl.toString().getBytes(StandardCharsets.UTF_8)));
		for (int i = 0; i < 20; i++) {
			request.file(file("images", "img" + i + ".png", png(40 + i, 40)));
		}
		return request;
	}

	@Test
	void aDatabaseErrorMidCopyStoresNothingAndTheSameUploadThenSucceeds() throws Exception {
		TestUser user = newUser();
		String marker = "T51-" + System.nanoTime();
		jdbc.execute("""
				CREATE OR REPLACE FUNCTION fail_at_row_731() RETURNS trigger AS $$
				BEGIN
				  IF NEW.line = 731 AND NEW.question LIKE '%%%s%%' THEN RAISE EXCEPTION 'injected failure at row 731'; END IF;
				  RETURN NEW;
				END $$ LANGUAGE plpgsql""".formatted(marker));
		jdbc.execute("CREATE TRIGGER fail_at_row_731 BEFORE INSERT ON samples FOR EACH ROW EXECUTE FUNCTION fail_at_row_731()");
		Map<String, Integer> before = counts();
		long files = artifactFiles();
		try {
			mvc.perform(thousandRows(user, "t51", marker))
				.andExpect(status().isInternalServerError())
				.andExpect(jsonPath("$.type", is("https://vlm-r1.dev/problems/dataset-store-failed")));
		}
		finally {
			jdbc.execute("DROP TRIGGER fail_at_row_731 ON samples");
			jdbc.execute("DROP FUNCTION fail_at_row_731()");
		}
		assertThat(counts()).isEqualTo(before);
		assertThat(artifactFiles()).isEqualTo(files);
		assertThat(stagingFiles()).isZero();
		mvc.perform(thousandRows(user, "t51", marker))
			.andExpect(status().isCreated())
			.andExpect(jsonPath("$.sampleCount", is(1000)))
			.andExpect(jsonPath("$.imageCount", is(20)));
	}

	@Test
	void skipInvalidKeepsExactlyTheValidRowsAndReportsEachInvalidLineOnce() throws Exception {
		TestUser user = newUser();
		List<String> lines = new ArrayList<>();
		Map<Integer, String> expected = new TreeMap<>();
		String[] kinds = { "invalid_json", "missing_field", "image_missing", "unsafe_path", "too_many_pixels",
				"duplicate_id", "invalid_box" };
		for (int i = 1; i <= 1000; i++) {
			String line = rec(i, "ok.png", "[1, 2, 30, 20]");
			if (i % 100 < 7) {
				String kind = kinds[i % 100];
				expected.put(i, kind);
				line = switch (kind) {
					case "invalid_json" -> line.substring(0, 20);
					case "missing_field" -> line.replace("\"conversations\"", "\"talk\"");
					case "image_missing" -> rec(i, "gone.png", "[1, 2, 30, 20]");
					case "unsafe_path" -> rec(i, "../../etc/passwd", "[1, 2, 30, 20]");
					case "too_many_pixels" -> rec(i, "flood.png", "[1, 2, 30, 20]");
					case "duplicate_id" -> rec(i - 1, "ok.png", "[1, 2, 30, 20]");
					default -> rec(i, "ok.png", "[1, 2, 30]");
				};
			}
			lines.add(line);
		}
		byte[] jsonl = (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8);
		Map<String, Integer> before = counts();
		long files = artifactFiles();
		// over max_invalid (7 % > 5 %): rejected, nothing stored
		String rejected = mvc.perform(upload(user, "t52", "skip_invalid").param("max_invalid", "0.05")
			.file(new MockMultipartFile("jsonl", "t52.jsonl", "application/x-ndjson", jsonl))
			.file(file("images", "ok.png", png(64, 48)))
			.file(file("images", "flood.png", Floods.png(65535, 65535))))
			.andExpect(status().isBadRequest())
			.andReturn().getResponse().getContentAsString();
		assertThat(JsonPath.<List<String>>read(rejected, "$.report[*].code")).contains("too_many_invalid");
		assertThat(counts()).isEqualTo(before);
		assertThat(artifactFiles()).isEqualTo(files);
		// within max_invalid: the 930 valid rows are stored, the report is kept with the dataset
		String body = mvc.perform(upload(user, "t52", "skip_invalid").param("max_invalid", "0.10")
			.file(new MockMultipartFile("jsonl", "t52.jsonl", "application/x-ndjson", jsonl))
			.file(file("images", "ok.png", png(64, 48)))
			.file(file("images", "flood.png", Floods.png(65535, 65535))))
			.andExpect(status().isCreated())
			.andExpect(jsonPath("$.sampleCount", is(930)))
			.andExpect(jsonPath("$.invalidLines", is(70)))
			.andReturn().getResponse().getContentAsString();
		List<Map<String, Object>> report = JsonPath.read(body, "$.report");
		Map<Integer, String> actual = new HashMap<>();
		for (Map<String, Object> issue : report) {
			assertThat(actual.put((Integer) issue.get("line"), (String) issue.get("code"))).as("line listed once").isNull();
		}
		assertThat(new TreeMap<>(actual)).isEqualTo(expected);
		long id = JsonPath.parse(body).read("$.id", Long.class);
		assertThat(jdbc.queryForObject("SELECT count(*) FROM samples WHERE dataset_id = ?", Integer.class, id)).isEqualTo(930);
		assertThat(jdbc.queryForList("SELECT line FROM samples WHERE dataset_id = ?", Integer.class, id))
			.doesNotContainAnyElementsOf(expected.keySet());
	}

	@Test
	void aSecondSampleForTheSameDatasetFileAndLineIsRefusedByTheDatabase() throws Exception {
		TestUser user = newUser();
		String body = mvc.perform(upload(user, "t57", "strict").file(jsonl("jsonl", "u.jsonl", textOnly(1, "q", "a"))))
			.andExpect(status().isCreated()).andReturn().getResponse().getContentAsString();
		long id = JsonPath.parse(body).read("$.id", Long.class);
		Long fileId = jdbc.queryForObject("SELECT id FROM dataset_files WHERE dataset_id = ?", Long.class, id);
		assertThatThrownBy(() -> jdbc.update("""
				INSERT INTO samples (dataset_id, file_id, line, question, solution, task_type, images, extra)
				VALUES (?, ?, 1, 'q', 'a', 'other', '[]', '{}')""", id, fileId))
			.isInstanceOf(DuplicateKeyException.class)
			.hasMessageContaining("samples_dataset_file_line_key");
	}

	@Test
	void theSweepRemovesOldOrphanFilesAndKeepsReferencedOnes() throws Exception {
		TestUser user = newUser();
		mvc.perform(upload(user, "kept", "strict")
			.file(jsonl("jsonl", "k.jsonl", rec(1, "a.png", "[1, 2, 3, 4]")))
			.file(file("images", "a.png", png(41, 43)))).andExpect(status().isCreated());
		String orphanSha = "ab" + "0".repeat(62);
		Path orphan = store.path(orphanSha);
		Files.createDirectories(orphan.getParent());
		Files.write(orphan, new byte[] { 1 });
		Path fresh = store.path("ac" + "0".repeat(62));
		Files.createDirectories(fresh.getParent());
		Files.write(fresh, new byte[] { 1 });
		Files.setLastModifiedTime(orphan, FileTime.from(Instant.now().minus(Duration.ofHours(2))));
		long before = artifactFiles();
		assertThat(removal.sweep(Duration.ofHours(1))).isEqualTo(1);
		assertThat(orphan).doesNotExist();
		assertThat(fresh).exists();
		assertThat(artifactFiles()).isEqualTo(before - 1);
		Files.delete(fresh);
	}

}

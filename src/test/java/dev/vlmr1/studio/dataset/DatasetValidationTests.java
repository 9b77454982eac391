package dev.vlmr1.studio.dataset;

import java.io.ByteArrayOutputStream;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.vlmr1.studio.web.TestUsers.TestUser;
import org.junit.jupiter.api.Test;

import org.springframework.mock.web.MockMultipartFile;
import org.springframework.test.web.servlet.request.MockMultipartHttpServletRequestBuilder;

import static dev.vlmr1.studio.dataset.RejectedUploads.assertIssue;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * Bad inputs in {@code strict} mode: each is reported with file, line, field and a stable code, and nothing is
 * stored (row counts and artifact files unchanged, staging emptied).
 */
class DatasetValidationTests extends DatasetTestSupport {

	private static final String Q = "{\"from\": \"human\", \"value\": \"<image>Where is it?\"}";

	private static final String A = "{\"from\": \"gpt\", \"value\": \"[1, 2, 30, 20]\"}";

	private List<Map<String, Object>> rejected(MockMultipartHttpServletRequestBuilder request) throws Exception {
		Map<String, Integer> before = counts();
		long files = artifactFiles();
		String body = mvc.perform(request)
			.andExpect(status().isBadRequest())
			.andExpect(content().contentTypeCompatibleWith("application/problem+json"))
			.andReturn()
			.getResponse()
			.getContentAsString(StandardCharsets.UTF_8);
		assertThat(counts()).isEqualTo(before);
		assertThat(artifactFiles()).isEqualTo(files);
		assertThat(stagingFiles()).isZero();
		return RejectedUploads.report(body);
	}

	@Test
	void jsonlSyntaxLimitsAndSchemaProblemsAreReportedPerLine() throws Exception {
		TestUser user = newUser();
		var out = new ByteArrayOutputStream();
		out.write(new byte[] { (byte) 0xEF, (byte) 0xBB, (byte) 0xBF }); // BOM: accepted
		String ok = rec(1, "a.png", "[1, 2, 30, 20]");
		List<String> lines = List.of(ok, // 1 valid after the BOM
				"{\"id\": 2, ", // 2
				"[1, 2]", // 3
				"{\"id\": 4, \"id\": 5, \"conversations\": [" + Q + ", " + A + "]}", // 4
				"{\"id\": 5, \"x\": " + "[".repeat(70) + "]".repeat(70) + "}", // 5
				"{\"id\": 6, \"n\": " + "1".repeat(1001) + "}", // 6
				"", // 7 blank: skipped
				"{\"id\": 8, \"conversations\": [" + Q + "]}", // 8
				"{\"id\": 9, \"image\": \"a.png\", \"conversations\": [" + A + ", " + Q + "]}", // 9
				"{\"id\": 10, \"image\": \"a.png\", \"conversations\": [{\"from\": \"human\", \"value\": \"<image><image>x\"}, " + A + "]}", // 10
				rec(11, "a.png", "[30, 2, 1, 20]"), // 11
				rec(12, "a.png", "[1, 2, 300, 20]"), // 12
				"{\"id\": 13, \"image\": \"a.png\", \"accu_reward_method\": \"magic\", \"conversations\": [" + Q + ", " + A + "]}", // 13
				ok.replace("\"id\": 1", "\"id\": 1"), // 14 duplicate id
				"{\"image\": \"a.png\", \"conversations\": [" + Q + ", " + A + "]}", // 15 no id: accepted, as by VLM-R1
				rec(16, "a.png", "[1, 2, 1e400, 20]"), // 16 infinite coordinate
				rec(17, "a.png", "[1, 2, 30, 20]") + "\r" // 17 CRLF: accepted
		);
		for (String line : lines) {
			out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
		}
		out.write(new byte[] { '{', '"', 'i', 'd', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}', '\n' }); // 18
		out.write(("{\"id\": 19, \"pad\": \"" + "x".repeat(1 << 20) + "\"}\n").getBytes(StandardCharsets.UTF_8)); // 19
		out.write(rec(20, "a.png", "[1, 2, 30, 20]").getBytes(StandardCharsets.UTF_8)); // 20: no final newline
		var report = rejected(upload(user, "bad-lines", "strict")
			.file(new MockMultipartFile("jsonl", "bad.jsonl", "application/x-ndjson", out.toByteArray()))
			.file(file("images", "a.png", png(64, 48))));
		assertIssue(report, "bad.jsonl", 2, "", "invalid_json");
		assertIssue(report, "bad.jsonl", 3, "", "not_an_object");
		assertIssue(report, "bad.jsonl", 4, "", "duplicate_key");
		assertIssue(report, "bad.jsonl", 5, "", "nesting_too_deep");
		assertIssue(report, "bad.jsonl", 6, "", "number_too_long");
		assertIssue(report, "bad.jsonl", 8, "conversations", "bad_conversation");
		assertIssue(report, "bad.jsonl", 9, "conversations[0].from", "bad_conversation");
		assertIssue(report, "bad.jsonl", 10, "conversations[0].value", "image_marker_mismatch");
		assertIssue(report, "bad.jsonl", 11, "conversations[1].value", "invalid_box");
		assertIssue(report, "bad.jsonl", 12, "conversations[1].value", "box_outside_image");
		assertIssue(report, "bad.jsonl", 13, "accu_reward_method", "unknown_reward_method");
		assertIssue(report, "bad.jsonl", 14, "id", "duplicate_id");
		assertIssue(report, "bad.jsonl", 16, "conversations[1].value", "invalid_box");
		assertIssue(report, "bad.jsonl", 18, "", "invalid_utf8");
		assertIssue(report, "bad.jsonl", 19, "", "line_too_long");
		// the BOM line, the blank line, the CRLF line and the last line without newline are fine
		assertThat(report).extracting((i) -> i.get("line")).doesNotContain(1, 7, 15, 17, 20);
		assertThat(report).hasSize(15);
	}

	@Test
	void unsafeImagePathsAreReportedAndNothingOutsideTheRootIsTouched() throws Exception {
		TestUser user = newUser();
		Path folder = Files.createDirectories(ALLOWED_ROOT.resolve("paths-" + UUID.randomUUID()));
		Files.write(folder.resolve("a.png"), png(64, 48));
		Path outside = Files.createTempDirectory("outside");
		Files.write(outside.resolve("secret.png"), png(64, 48));
		Files.createSymbolicLink(folder.resolve("link.png"), outside.resolve("secret.png"));
		Files.createSymbolicLink(folder.resolve("dir"), outside);
		try (ServerSocket listener = new ServerSocket(0)) {
			String url = "http://127.0.0.1:" + listener.getLocalPort() + "/x.jpg";
			List<String> paths = List.of("../../etc/passwd", "/etc/passwd", "file:///etc/passwd", url, "..\\\\..\\\\x",
					"a\\u0000.jpg", "p".repeat(10_000), "link.png", "dir/secret.png");
			StringBuilder jsonl = new StringBuilder(rec(0, "a.png", "[1, 2, 30, 20]")).append('\n');
			for (int i = 0; i < paths.size(); i++) {
				jsonl.append(rec(i + 1, paths.get(i), "[1, 2, 30, 20]")).append('\n');
			}
			jsonl.append("{\"id\": 10, \"image\": [\"a.png\", \"../x.png\"], \"conversations\": [{\"from\": \"human\", "
					+ "\"value\": \"<image><image>Compare\"}, " + A + "]}\n");
			var report = rejected(upload(user, "paths", "strict")
				.file(new MockMultipartFile("jsonl", "paths.jsonl", "application/x-ndjson",
						jsonl.toString().getBytes(StandardCharsets.UTF_8)))
				.param("folder", folder.toString()));
			for (int line = 2; line <= 8; line++) {
				assertIssue(report, "paths.jsonl", line, "image", "unsafe_path");
			}
			assertIssue(report, "paths.jsonl", 9, "image", "unsafe_path");
			assertIssue(report, "paths.jsonl", 10, "image", "unsafe_path");
			assertIssue(report, "paths.jsonl", 11, "image[1]", "unsafe_path");
			assertThat(report).hasSize(10);
			listener.setSoTimeout(200);
			assertThatThrownBy(listener::accept).isInstanceOf(SocketTimeoutException.class);
		}
	}

	@Test
	void pixelFloodsNonImagesAndTinyImagesAreRejectedFromTheirBytes() throws Exception {
		TestUser user = newUser();
		String[] names = { "flood.png", "flood.gif", "flood.jpg", "page.jpg", "polyglot.gif", "tiny.png", "cut.png",
				"missing.png" };
		StringBuilder jsonl = new StringBuilder();
		for (int i = 0; i < names.length; i++) {
			jsonl.append(rec(i + 1, names[i], "[1, 2, 3, 4]")).append('\n');
		}
		byte[] good = png(64, 48);
		var report = rejected(upload(user, "images", "strict")
			.file(new MockMultipartFile("jsonl", "img.jsonl", "application/x-ndjson",
					jsonl.toString().getBytes(StandardCharsets.UTF_8)))
			.file(file("images", "flood.png", Floods.png(65535, 65535)))
			.file(file("images", "flood.gif", Floods.gif(65535, 65535)))
			.file(file("images", "flood.jpg", Floods.jpeg(20000, 20000)))
			.file(file("images", "page.jpg",
					"<html><script>alert(1)</script></html>".getBytes(StandardCharsets.UTF_8)))
			.file(file("images", "polyglot.gif", "GIF89a=1;alert(1)//\u0000\u0000".getBytes(StandardCharsets.ISO_8859_1)))
			.file(file("images", "tiny.png", png(20, 40)))
			.file(file("images", "cut.png", java.util.Arrays.copyOf(good, good.length / 2))));
		assertIssue(report, "img.jsonl", 1, "image", "too_many_pixels");
		assertIssue(report, "img.jsonl", 2, "image", "too_many_pixels");
		assertIssue(report, "img.jsonl", 3, "image", "too_many_pixels");
		assertIssue(report, "img.jsonl", 4, "image", "not_an_image");
		assertIssue(report, "img.jsonl", 5, "image", "image_corrupt");
		assertIssue(report, "img.jsonl", 6, "image", "image_too_small");
		assertIssue(report, "img.jsonl", 7, "image", "image_corrupt");
		assertIssue(report, "img.jsonl", 8, "image", "image_missing");
	}

	@Test
	void foldersOutsideTheAllowedRootsAndMalformedUploadsAreRefused() throws Exception {
		TestUser user = newUser();
		Path outside = Files.createTempDirectory("not-allowed");
		Files.write(outside.resolve("a.png"), png(64, 48));
		var report = rejected(upload(user, "folder", "strict")
			.file(jsonl("jsonl", "f.jsonl", rec(1, "a.png", "[1, 2, 30, 20]")))
			.param("folder", outside.toString()));
		assertIssue(report, "folder[0]", 0, "", "folder_not_allowed");
		report = rejected(upload(user, "folder", "strict")
			.file(jsonl("jsonl", "f.jsonl", rec(1, "a.png", "[1, 2, 30, 20]")))
			.param("folder", ALLOWED_ROOT.resolve("..").resolve("etc").toString()));
		assertIssue(report, "folder[0]", 0, "", "folder_not_allowed");
		report = rejected(upload(user, "two-sources", "strict")
			.file(jsonl("jsonl", "f.jsonl", rec(1, "a.png", "[1, 2, 30, 20]")))
			.file(file("images[3]", "a.png", png(64, 48))));
		assertIssue(report, "part[3]", 0, "", "bad_upload");
		report = rejected(upload(user, "empty", "strict").file(jsonl("jsonl", "e.jsonl", "", "  ")));
		assertIssue(report, "e.jsonl", 0, "", "empty_file");
		report = rejected(upload(user, "unsafe-name", "strict")
			.file(jsonl("jsonl", "f.jsonl", rec(1, "a.png", "[1, 2, 30, 20]")))
			.file(file("images", "../a.png", png(64, 48))));
		assertIssue(report, "images[0]", 0, "../a.png", "unsafe_path");
	}

	@Test
	void moreLinesThanMaxLinesRejectTheFileEvenWhenSkippingInvalidLines() throws Exception {
		TestUser user = newUser();
		StringBuilder jsonl = new StringBuilder();
		for (int i = 1; i <= 5001; i++) { // studio.datasets.max-lines=5000 in the test configuration
			jsonl.append(textOnly(i, "q", "a")).append('\n');
		}
		var report = rejected(upload(user, "too-long", "skip_invalid")
			.file(new MockMultipartFile("jsonl", "long.jsonl", "application/x-ndjson",
					jsonl.toString().getBytes(StandardCharsets.UTF_8))));
		assertIssue(report, "long.jsonl", 0, "", "too_many_lines");
	}

}

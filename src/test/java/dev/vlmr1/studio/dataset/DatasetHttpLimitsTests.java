package dev.vlmr1.studio.dataset;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import dev.vlmr1.studio.web.TestUsers;
import dev.vlmr1.studio.web.TestUsers.TestUser;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Multipart limits enforced by the real server (T3.2): more parts than {@code server.tomcat.max-part-count} or a
 * part header over {@code max-part-header-size} is refused with a 4xx, and the server keeps serving. Shares the
 * browser test's context (same annotations).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class DatasetHttpLimitsTests {

	private static final String BOUNDARY = "----studio-test-boundary";

	@LocalServerPort
	int port;

	@Autowired
	ApplicationContext context;

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private HttpResponse<String> post(TestUser user, byte[] body) throws Exception {
		return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/datasets"))
			.header("Authorization", user.bearer())
			.header("Content-Type", "multipart/form-data; boundary=" + BOUNDARY)
			.timeout(Duration.ofSeconds(60))
			.POST(HttpRequest.BodyPublishers.ofByteArray(body))
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	private static void part(ByteArrayOutputStream out, String name, String filename, String content) {
		String header = "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + name + "\""
				+ (filename == null ? "" : "; filename=\"" + filename + "\"") + "\r\n\r\n";
		out.writeBytes(header.getBytes(StandardCharsets.UTF_8));
		out.writeBytes(content.getBytes(StandardCharsets.UTF_8));
		out.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
	}

	@Test
	void tooManyPartsAndOversizedPartHeadersAreRefusedAndTheServerStaysUp() throws Exception {
		TestUser user = new TestUsers(context).create("limits");
		var flood = new ByteArrayOutputStream();
		part(flood, "name", null, "flood");
		part(flood, "jsonl", "a.jsonl", "{}\n");
		for (int i = 0; i < 10_000; i++) {
			part(flood, "images", "i" + i + ".png", "x");
		}
		flood.writeBytes(("--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.UTF_8));
		HttpResponse<String> response = post(user, flood.toByteArray());
		assertThat(response.statusCode()).as(response.body()).isBetween(400, 499);
		// refused while parsing the body, not by dataset validation (which would answer dataset-invalid)
		assertThat(response.body()).doesNotContain("dataset-invalid");

		var bigHeader = new ByteArrayOutputStream();
		part(bigHeader, "name", null, "header");
		part(bigHeader, "jsonl", "a".repeat(600) + ".jsonl", "{}\n");
		bigHeader.writeBytes(("--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.UTF_8));
		response = post(user, bigHeader.toByteArray());
		assertThat(response.statusCode()).as(response.body()).isBetween(400, 499);
		// refused while parsing the body, not by dataset validation (which would answer dataset-invalid)
		assertThat(response.body()).doesNotContain("dataset-invalid");

		HttpResponse<String> list = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/datasets"))
			.header("Authorization", user.bearer())
			.timeout(Duration.ofSeconds(5))
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(list.statusCode()).isEqualTo(200);
	}

}

package dev.vlmr1.studio.executor;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Real HTTP calls to the studio for end-to-end tests: JSON, multipart dataset uploads and SSE, with a bearer token. */
public final class StudioHttp {

	static final ObjectMapper JSON = new ObjectMapper();

	private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private final String base;

	private final String bearer;

	public StudioHttp(int port, String bearer) {
		this.base = "http://localhost:" + port;
		this.bearer = bearer;
	}

	public record Answer(int status, String body) {

		public JsonNode json() throws Exception {
			return JSON.readTree(body);
		}

	}

	public Answer get(String path) throws Exception {
		return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
	}

	public Answer post(String path, Object body) throws Exception {
		return send(HttpRequest.newBuilder(URI.create(base + path))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))));
	}

	/** {@code POST /api/datasets}: the jsonl as part {@code jsonl}, every file under its images folder as {@code images[0]}. */
	public Answer uploadDataset(String name, Path jsonl) throws Exception {
		String boundary = "----e2e" + UUID.randomUUID();
		ByteArrayOutputStream body = new ByteArrayOutputStream();
		field(body, boundary, "name", name);
		file(body, boundary, "jsonl", jsonl.getFileName().toString(), Files.readAllBytes(jsonl));
		Path dir = jsonl.getParent();
		List<Path> images;
		try (Stream<Path> files = Files.walk(dir.resolve("images"))) {
			images = new ArrayList<>(files.filter(Files::isRegularFile).sorted().toList());
		}
		for (Path image : images) {
			file(body, boundary, "images[0]", dir.relativize(image).toString().replace('\\', '/'), Files.readAllBytes(image));
		}
		body.write(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
		return send(HttpRequest.newBuilder(URI.create(base + "/api/datasets"))
			.header("Content-Type", "multipart/form-data; boundary=" + boundary)
			.POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())));
	}

	/** The SSE stream of a run from the start, until {@code until} appears in it or {@code timeout} passes. */
	public String events(long runId, String until, Duration timeout) throws Exception {
		HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/api/runs/" + runId + "/events"))
			.header("Authorization", bearer)
			.header("Accept", "text/event-stream")
			.GET()
			.build();
		StringBuilder seen = new StringBuilder();
		CompletableFuture<Void> reading = client.sendAsync(request, HttpResponse.BodyHandlers.ofLines())
			.thenAccept(response -> response.body().takeWhile(line -> {
				synchronized (seen) {
					seen.append(line).append('\n');
					return !line.contains(until);
				}
			}).forEach(line -> {
			}));
		try {
			reading.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (java.util.concurrent.TimeoutException ex) {
			reading.cancel(true);
		}
		synchronized (seen) {
			return seen.toString();
		}
	}

	private Answer send(HttpRequest.Builder request) throws Exception {
		HttpResponse<String> response = client.send(request.header("Authorization", bearer)
			.timeout(Duration.ofSeconds(120))
			.build(), HttpResponse.BodyHandlers.ofString());
		return new Answer(response.statusCode(), response.body());
	}

	private static void field(ByteArrayOutputStream out, String boundary, String name, String value) {
		out.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value
				+ "\r\n").getBytes(StandardCharsets.UTF_8));
	}

	private static void file(ByteArrayOutputStream out, String boundary, String name, String filename, byte[] bytes) {
		out.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"; filename=\""
				+ filename + "\"\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8));
		out.writeBytes(bytes);
		out.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
	}

	public static Map<String, Object> map(Object... kv) {
		Map<String, Object> m = new java.util.LinkedHashMap<>();
		for (int i = 0; i < kv.length; i += 2) {
			m.put((String) kv[i], kv[i + 1]);
		}
		return m;
	}

}

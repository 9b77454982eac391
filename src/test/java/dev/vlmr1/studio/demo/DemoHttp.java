package dev.vlmr1.studio.demo;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Real HTTP calls to the demo endpoints for the tests: multipart and JSON requests with a bearer token, and model
 * registration through {@code POST /api/models}.
 */
final class DemoHttp {

	static final Path FIXTURES = Path.of("src/test/resources/fixtures");

	static final ObjectMapper JSON = new ObjectMapper();

	private final HttpClient http = HttpClient.newHttpClient();

	private final String base;

	DemoHttp(int port) {
		this.base = "http://localhost:" + port;
	}

	/** A response with its body parsed as JSON (null when it is not JSON). */
	record Answer(int status, HttpResponse<String> response, JsonNode json) {

		String header(String name) {
			return response.headers().firstValue(name).orElse(null);
		}

		String contentType() {
			return header("Content-Type");
		}

	}

	/** Multipart form: string fields and, under the name {@code image}, a file with these bytes (null: none). */
	Answer multipart(String path, String bearer, Map<String, String> fields, byte[] image) throws Exception {
		String boundary = "----demo" + UUID.randomUUID();
		ByteArrayOutputStream body = new ByteArrayOutputStream();
		for (Map.Entry<String, String> field : fields.entrySet()) {
			body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + field.getKey()
					+ "\"\r\n\r\n" + field.getValue() + "\r\n").getBytes(StandardCharsets.UTF_8));
		}
		if (image != null) {
			body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"image\"; filename=\"img.png\"\r\n"
					+ "Content-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8));
			body.writeBytes(image);
			body.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
		}
		body.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
			.header("Content-Type", "multipart/form-data; boundary=" + boundary)
			.POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()));
		return send(request, bearer);
	}

	Answer postJson(String path, String bearer, Object body) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
		return send(request, bearer);
	}

	Answer get(String path, String bearer) throws Exception {
		return send(HttpRequest.newBuilder(URI.create(base + path)).GET(), bearer);
	}

	/** Registers a checkpoint directory and returns the new model's id. */
	long register(String bearer, String name, Path dir) throws Exception {
		Map<String, String> body = new LinkedHashMap<>();
		body.put("name", name);
		body.put("path", dir.toString());
		Answer answer = postJson("/api/models", bearer, body);
		if (answer.status() != 201) {
			throw new IllegalStateException("registration failed: " + answer.response().body());
		}
		return answer.json().get("id").asLong();
	}

	private Answer send(HttpRequest.Builder request, String bearer) throws Exception {
		if (bearer != null) {
			request.header("Authorization", bearer);
		}
		HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
		JsonNode json;
		try {
			json = response.body().isEmpty() ? null : JSON.readTree(response.body());
		}
		catch (Exception ex) {
			json = null;
		}
		return new Answer(response.statusCode(), response, json);
	}

	/** Copies the files inference needs from the tiny fixture checkpoint (weights, config, tokenizer, processor). */
	static Path copyTinyCheckpoint(Path target) throws Exception {
		Files.createDirectories(target);
		for (String file : new String[] { "config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json",
				"preprocessor_config.json", "generation_config.json" }) {
			Files.copy(FIXTURES.resolve("qwen2_5_vl_tiny").resolve(file), target.resolve(file));
		}
		return target;
	}

	/** Sends a POSIX signal (STOP, CONT, KILL) to a process: the tests freeze and kill the real worker. */
	static void signal(long pid, String signal) throws Exception {
		Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start();
		if (kill.waitFor() != 0) {
			throw new IllegalStateException("kill -" + signal + " " + pid + " failed");
		}
	}

}

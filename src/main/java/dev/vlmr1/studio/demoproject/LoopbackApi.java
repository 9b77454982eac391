package dev.vlmr1.studio.demoproject;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

import dev.vlmr1.studio.security.ApiTokens;
import dev.vlmr1.studio.security.IssuedToken;
import dev.vlmr1.studio.security.TokenScope;
import dev.vlmr1.studio.web.CurrentUser;

/**
 * This application's own REST API, called over loopback as a user with a token issued for the call and revoked
 * after it: the demo project goes through exactly the validation, ownership and upload paths a REST client gets.
 */
@Component
class LoopbackApi {

	private final ApiTokens tokens;

	private final Environment env;

	private final JsonMapper json = JsonMapper.builder().build();

	private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	LoopbackApi(ApiTokens tokens, Environment env) {
		this.tokens = tokens;
		this.env = env;
	}

	/** A session of calls as {@code user}; closing it revokes the token. */
	Session as(CurrentUser user) {
		return new Session(user, tokens.issue(user, "demo project " + UUID.randomUUID().toString().substring(0, 8),
				TokenScope.WRITE, 1));
	}

	final class Session implements AutoCloseable {

		private final CurrentUser user;

		private final IssuedToken token;

		private Session(CurrentUser user, IssuedToken token) {
			this.user = user;
			this.token = token;
		}

		/** POSTs JSON; returns the created resource's JSON, or throws with the problem the API answered. */
		JsonNode post(String path, Object body) {
			return send(request(path).header("Content-Type", "application/json")
				.POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body))));
		}

		/** DELETEs a resource; returns whether the API answered 2xx (for cleaning up, where a failure only counts). */
		boolean delete(String path) {
			try {
				return client.send(request(path).DELETE().build(), HttpResponse.BodyHandlers.discarding())
					.statusCode() / 100 == 2;
			}
			catch (IOException ex) {
				return false;
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return false;
			}
		}

		/** {@code POST /api/datasets}: the jsonl and every image under its {@code images/} folder. */
		JsonNode uploadDataset(String name, Path jsonl) {
			String boundary = "----demo" + UUID.randomUUID();
			ByteArrayOutputStream body = new ByteArrayOutputStream();
			part(body, boundary, "name", null, name.getBytes(StandardCharsets.UTF_8));
			try {
				part(body, boundary, "jsonl", jsonl.getFileName().toString(), Files.readAllBytes(jsonl));
				List<Path> images;
				try (Stream<Path> files = Files.walk(jsonl.resolveSibling("images"))) {
					images = files.filter(Files::isRegularFile).sorted().toList();
				}
				for (Path image : images) {
					part(body, boundary, "images[0]", "images/" + image.getFileName(), Files.readAllBytes(image));
				}
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
			body.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
			return send(request("/api/datasets").header("Content-Type", "multipart/form-data; boundary=" + boundary)
				.POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())));
		}

		private HttpRequest.Builder request(String path) {
			String port = env.getProperty("local.server.port", env.getProperty("server.port", "8080"));
			return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
				.header("Authorization", token.authorizationHeader())
				.timeout(Duration.ofMinutes(5));
		}

		private JsonNode send(HttpRequest.Builder request) {
			try {
				HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
				if (response.statusCode() / 100 != 2) {
					throw new IllegalStateException(request.build().uri().getPath() + " answered " + response.statusCode()
							+ ": " + response.body());
				}
				return json.readTree(response.body());
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException("interrupted", ex);
			}
		}

		@Override
		public void close() {
			tokens.revoke(user, token.id());
		}

	}

	private static void part(ByteArrayOutputStream out, String boundary, String name, @Nullable String filename,
			byte[] bytes) {
		String disposition = "form-data; name=\"" + name + "\"" + (filename == null ? "" : "; filename=\"" + filename + "\"");
		out.writeBytes(("--" + boundary + "\r\nContent-Disposition: " + disposition + "\r\n"
				+ (filename == null ? "" : "Content-Type: application/octet-stream\r\n") + "\r\n")
			.getBytes(StandardCharsets.UTF_8));
		out.writeBytes(bytes);
		out.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
	}

}

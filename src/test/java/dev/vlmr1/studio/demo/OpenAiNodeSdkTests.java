package dev.vlmr1.studio.demo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;

import dev.vlmr1.studio.Slow;
import dev.vlmr1.studio.web.TestModels;
import dev.vlmr1.studio.web.TestUsers;
import dev.vlmr1.studio.web.TestUsers.TestUser;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Done-when of issue 14: the official OpenAI Node SDK (npm {@code openai}, installed from the npm registry into
 * {@code target/}) against the running application with the tiny checkpoint: it streams a chat completion with an
 * image, reads a 404 and a 400 as typed errors with their code and param, and gets {@code stop} and {@code top_p}
 * honoured. Skipped, saying so, only where npm is missing or the registry cannot be reached.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@Slow
class OpenAiNodeSdkTests {

	/** The SDK major version the script is written against. */
	static final String SDK = "openai@6";

	static final Path SDK_DIR = Path.of("target/openai-node-sdk");

	@LocalServerPort
	int port;

	@Autowired
	ApplicationContext context;

	@Test
	void theOfficialNodeSdkStreamsReadsTypedErrorsAndHonoursStopAndTopP() throws Exception {
		installSdk();
		TestUser alice = new TestUsers(context).create("alice");
		Path dir = DemoHttp.copyTinyCheckpoint(TestModels.importRoot(context).resolve("sdk-" + UUID.randomUUID()));
		String model = "tiny-sdk-" + UUID.randomUUID();
		new DemoHttp(port).register(alice.bearer(), model, dir);
		Files.copy(Path.of("src/test/resources/openai-sdk/sdk-check.mjs"), SDK_DIR.resolve("sdk-check.mjs"),
				java.nio.file.StandardCopyOption.REPLACE_EXISTING);
		String image = "data:image/png;base64,"
				+ Base64.getEncoder().encodeToString(Files.readAllBytes(DemoHttp.FIXTURES.resolve("images/h_150x95.png")));

		Run run = run(List.of("node", "sdk-check.mjs"), Map.of("STUDIO_BASE_URL", "http://localhost:" + port + "/api/v1",
				"STUDIO_API_KEY", alice.bearer().substring("Bearer ".length()), "STUDIO_MODEL", model,
				"STUDIO_IMAGE_DATA_URI", image), 300);
		assertThat(run.exit()).as(run.output()).isZero();
		String last = run.output().strip().lines().reduce((a, b) -> b).orElseThrow();
		JsonNode seen = DemoHttp.JSON.readTree(last);

		JsonNode streamed = seen.get("streamed");
		assertThat(streamed.get("role").asText()).isEqualTo("assistant");
		assertThat(streamed.get("text").asText()).isEqualTo(seen.get("whole").get("text").asText());
		assertThat(streamed.get("contentChunks").asInt()).isGreaterThan(1);
		assertThat(streamed.get("finishReason").asText()).isEqualTo(seen.get("whole").get("finishReason").asText());
		assertThat(streamed.get("usage")).isEqualTo(seen.get("whole").get("usage"));

		JsonNode notFound = seen.get("notFound");
		assertThat(notFound.get("notFound").asBoolean()).as(notFound.toString()).isTrue();
		assertThat(notFound.get("status").asInt()).isEqualTo(404);
		assertThat(notFound.get("code").asText()).isEqualTo("model_not_found");
		assertThat(notFound.get("param").asText()).isEqualTo("model");
		JsonNode badRequest = seen.get("badRequest");
		assertThat(badRequest.get("badRequest").asBoolean()).as(badRequest.toString()).isTrue();
		assertThat(badRequest.get("status").asInt()).isEqualTo(400);
		assertThat(badRequest.get("param").asText()).isEqualTo("top_p");
		assertThat(badRequest.get("code").asText()).isEqualTo("invalid_value");
		assertThat(badRequest.get("type").asText()).isEqualTo("invalid_request_error");
		assertThat(badRequest.get("message").asText()).contains("top_p must be between 0 and 1");

		JsonNode stop = seen.get("stop");
		assertThat(stop.get("stop").asText()).hasSize(2);
		assertThat(stop.get("text").asText()).isEqualTo(stop.get("expected").asText());
		assertThat(stop.get("finishReason").asText()).isEqualTo("stop");

		JsonNode topP = seen.get("topP");
		assertThat(topP.get("nucleus").asText()).as("a vanishing top_p is greedy")
			.isEqualTo(seen.get("whole").get("text").asText());
		assertThat(topP.get("full").asText()).as("the same seed without top_p samples something else")
			.isNotEqualTo(topP.get("nucleus").asText());

		assertThat(seen.get("models").toString()).contains("\"" + model + "\"");
		assertThat(seen.get("retrieved").asText()).isEqualTo(model);
	}

	/** Installs the SDK into target/ once; skips the test only when npm is missing or the registry unreachable. */
	private static void installSdk() throws Exception {
		if (Files.isRegularFile(SDK_DIR.resolve("node_modules/openai/package.json"))) {
			return;
		}
		Files.createDirectories(SDK_DIR);
		Files.writeString(SDK_DIR.resolve("package.json"),
				"{\"name\": \"openai-sdk-check\", \"private\": true, \"type\": \"module\"}\n");
		Run npm;
		try {
			npm = run(List.of("npm", "install", "--no-audit", "--no-fund", "--loglevel=error", SDK), Map.of(), 300);
		}
		catch (IOException ex) {
			Assumptions.abort("npm is not installed (" + ex.getMessage() + "): the OpenAI Node SDK check needs it");
			return;
		}
		boolean unreachable = npm.output().matches("(?s).*(ENOTFOUND|EAI_AGAIN|ETIMEDOUT|ECONNREFUSED|ECONNRESET|"
				+ "ENETUNREACH|network request).*");
		if (npm.exit() != 0 && unreachable) {
			Assumptions.abort("the npm registry cannot be reached, so the OpenAI Node SDK could not be installed: "
					+ npm.output().strip());
		}
		assertThat(npm.exit()).as("npm install " + SDK + ": " + npm.output()).isZero();
	}

	record Run(int exit, String output) {
	}

	private static Run run(List<String> command, Map<String, String> env, int timeoutSeconds) throws Exception {
		Path log = Files.createTempFile(SDK_DIR.toAbsolutePath(), "run-", ".log");
		ProcessBuilder builder = new ProcessBuilder(command).directory(SDK_DIR.toFile())
			.redirectErrorStream(true)
			.redirectOutput(log.toFile());
		builder.environment().putAll(env);
		Process process = builder.start();
		try {
			boolean exited = process.waitFor(timeoutSeconds, TimeUnit.SECONDS);
			if (!exited) {
				process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
			}
			String output = Files.readString(log, StandardCharsets.UTF_8);
			return exited ? new Run(process.exitValue(), output) : new Run(-1, "timed out: " + output);
		}
		finally {
			Files.deleteIfExists(log);
		}
	}

}

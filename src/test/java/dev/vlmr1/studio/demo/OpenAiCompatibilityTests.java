package dev.vlmr1.studio.demo;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;

import dev.vlmr1.studio.Slow;
import dev.vlmr1.studio.demo.DemoHttp.Answer;
import dev.vlmr1.studio.security.Role;
import dev.vlmr1.studio.security.TokenScope;
import dev.vlmr1.studio.web.TestModels;
import dev.vlmr1.studio.web.TestUsers;
import dev.vlmr1.studio.web.TestUsers.TestUser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The OpenAI-compatible routes as OpenAI clients use them, over real HTTP with the tiny checkpoint and a real
 * inference worker: errors in OpenAI's shape with the right status and {@code param}, streamed completions that
 * equal the non-streamed ones chunk by chunk, streams held to the worker's in-flight limit, a client that hangs up
 * stopping its generation in the worker, and the parameters {@code stop}, {@code n}, {@code logprobs}; unsupported
 * ones refused by name.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@Slow
class OpenAiCompatibilityTests {

	static final Path IMAGE = DemoHttp.FIXTURES.resolve("images/h_150x95.png");

	@LocalServerPort
	int port;

	@Autowired
	ApplicationContext context;

	@Autowired
	InferenceWorkerClient worker;

	@Autowired
	DemoProperties properties;

	DemoHttp http;

	TestUser alice;

	String model;

	String dataUri;

	@BeforeEach
	void setUp() throws Exception {
		http = new DemoHttp(port);
		alice = new TestUsers(context).create("alice");
		Path dir = DemoHttp.copyTinyCheckpoint(TestModels.importRoot(context).resolve("openai-" + UUID.randomUUID()));
		model = "tiny-openai-" + UUID.randomUUID();
		http.register(alice.bearer(), model, dir);
		dataUri = "data:image/png;base64," + Base64.getEncoder().encodeToString(Files.readAllBytes(IMAGE));
	}

	@Test
	void errorsHaveOpenAisShapeStatusAndParam() throws Exception {
		List<Object> hi = List.of(Map.of("role", "user", "content", "Hi"));
		Map<String, Object> refused = new LinkedHashMap<>();
		refused.put("tools", List.of(Map.of("type", "function", "function", Map.of("name", "f"))));
		refused.put("tool_choice", "required");
		refused.put("response_format", Map.of("type", "json_object"));
		refused.put("logit_bias", Map.of("50", 10));
		refused.put("n", 0);
		refused.put("top_p", 1.5);
		refused.put("temperature", 3);
		refused.put("frequency_penalty", 2.5);
		refused.put("presence_penalty", -3);
		refused.put("stop", List.of("a", "b", "c", "d", "e"));
		refused.put("top_logprobs", 3);
		refused.put("stream_options", Map.of("include_usage", true));
		refused.put("max_tokens", 0);
		for (Map.Entry<String, Object> field : refused.entrySet()) {
			Map<String, Object> body = new LinkedHashMap<>(Map.of("model", model, "messages", hi));
			body.put(field.getKey(), field.getValue());
			expectError(http.postJson("/api/v1/chat/completions", alice.bearer(), body), 400, "invalid_request_error",
					field.getKey());
		}
		Answer tools = http.postJson("/api/v1/chat/completions", alice.bearer(),
				Map.of("model", model, "messages", hi, "tools", List.of(Map.of("type", "function"))));
		assertThat(tools.json().get("error").get("code").asText()).isEqualTo("unsupported_parameter");
		Map<String, Object> logprobsOver = Map.of("model", model, "messages", hi, "logprobs", true, "top_logprobs", 21);
		expectError(http.postJson("/api/v1/chat/completions", alice.bearer(), logprobsOver), 400,
				"invalid_request_error", "top_logprobs");
		expectError(http.postJson("/api/v1/chat/completions", alice.bearer(), Map.of("model", model)), 400,
				"invalid_request_error", "messages");
		Answer malformed = http.postJson("/api/v1/chat/completions", alice.bearer(), "{\"model\": ");
		expectError(malformed, 400, "invalid_request_error", null);
		Answer wrongType = http.postJson("/api/v1/chat/completions", alice.bearer(),
				Map.of("model", model, "messages", hi, "n", "two"));
		expectError(wrongType, 400, "invalid_request_error", "n");

		Answer missing = http.postJson("/api/v1/chat/completions", alice.bearer(),
				Map.of("model", "no-such-model", "messages", hi));
		expectError(missing, 404, "invalid_request_error", "model");
		assertThat(missing.json().get("error").get("code").asText()).isEqualTo("model_not_found");
		expectError(http.get("/api/v1/models/no-such-model", alice.bearer()), 404, "invalid_request_error", "model");

		List<Object> many = new ArrayList<>();
		for (int i = 0; i <= 256; i++) {
			many.add(Map.of("role", "user", "content", "hi"));
		}
		Answer tooLarge = http.postJson("/api/v1/chat/completions", alice.bearer(),
				Map.of("model", model, "messages", many));
		expectError(tooLarge, 413, "invalid_request_error", "messages");
		assertThat(tooLarge.json().get("error").get("limit").asText()).isEqualTo("max-messages");

		Answer anonymous = http.postJson("/api/v1/chat/completions", null, Map.of("model", model, "messages", hi));
		expectError(anonymous, 401, "invalid_request_error", null);
		assertThat(anonymous.json().get("error").get("code").asText()).isEqualTo("invalid_api_key");
		TestUser reader = new TestUsers(context).create("reader", Role.USER, TokenScope.READ);
		expectError(http.postJson("/api/v1/chat/completions", reader.bearer(), Map.of("model", model, "messages", hi)),
				403, "invalid_request_error", null);
		expectError(http.get("/api/v1/models", null), 401, "invalid_request_error", null);

		// the rest of the API keeps problem details
		Answer problem = http.get("/api/models/999999999", alice.bearer());
		assertThat(problem.contentType()).startsWith("application/problem+json");
	}

	@Test
	void modelIdsNameOnlyModelsTheCallerCanUseAndEachHasItsOwnPage() throws Exception {
		JsonNode list = http.get("/api/v1/models", alice.bearer()).json();
		assertThat(list.get("object").asText()).isEqualTo("list");
		assertThat(list.get("data").findValuesAsText("id")).containsExactly(model);
		Answer one = http.get("/api/v1/models/" + model, alice.bearer());
		assertThat(one.status()).isEqualTo(200);
		assertThat(one.json().get("id").asText()).isEqualTo(model);
		assertThat(one.json().get("object").asText()).isEqualTo("model");
		TestUser bob = new TestUsers(context).create("bob");
		assertThat(http.get("/api/v1/models", bob.bearer()).json().get("data")).isEmpty();
		expectError(http.get("/api/v1/models/" + model, bob.bearer()), 404, "invalid_request_error", "model");
	}

	@Test
	void aStreamedCompletionIsTheNonStreamedOneChunkByChunk() throws Exception {
		Map<String, Object> body = imageChat(24);
		Answer whole = http.postJson("/api/v1/chat/completions", alice.bearer(), body);
		assertThat(whole.status()).as(whole.response().body()).isEqualTo(200);
		String expected = whole.json().get("choices").get(0).get("message").get("content").asText();

		body.put("stream", true);
		body.put("stream_options", Map.of("include_usage", true));
		HttpResponse<String> streamed = postStream(body);
		assertThat(streamed.statusCode()).isEqualTo(200);
		assertThat(streamed.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/event-stream");
		List<String> data = dataLines(streamed.body());
		assertThat(data.get(data.size() - 1)).isEqualTo("[DONE]");
		List<JsonNode> chunks = new ArrayList<>();
		for (String line : data.subList(0, data.size() - 1)) {
			chunks.add(DemoHttp.JSON.readTree(line));
		}
		assertThat(chunks).allSatisfy((c) -> assertThat(c.get("object").asText()).isEqualTo("chat.completion.chunk"));
		assertThat(chunks).extracting((c) -> c.get("id").asText()).containsOnly(chunks.get(0).get("id").asText());
		JsonNode first = chunks.get(0).get("choices").get(0);
		assertThat(first.get("delta").get("role").asText()).isEqualTo("assistant");
		StringBuilder text = new StringBuilder();
		int contentChunks = 0;
		String finish = null;
		for (JsonNode chunk : chunks.subList(1, chunks.size() - 1)) {
			JsonNode choice = chunk.get("choices").get(0);
			if (choice.get("delta").has("content")) {
				text.append(choice.get("delta").get("content").asText());
				contentChunks++;
			}
			if (!choice.get("finish_reason").isNull()) {
				finish = choice.get("finish_reason").asText();
			}
		}
		assertThat(text.toString()).isEqualTo(expected);
		assertThat(contentChunks).as("token by token, not one piece").isGreaterThan(1);
		assertThat(finish).isEqualTo(whole.json().get("choices").get(0).get("finish_reason").asText());
		JsonNode usage = chunks.get(chunks.size() - 1);
		assertThat(usage.get("choices")).isEmpty();
		assertThat(usage.get("usage").toString()).isEqualTo(whole.json().get("usage").toString());
	}

	@Test
	void aStopStringCutsTheTextStreamedOrNot() throws Exception {
		Map<String, Object> body = imageChat(24);
		String greedy = http.postJson("/api/v1/chat/completions", alice.bearer(), body).json().get("choices").get(0)
			.get("message").get("content").asText();
		assertThat(greedy.length()).as("the tiny model's answer: " + greedy).isGreaterThan(6);
		String stop = greedy.substring(greedy.length() / 2, greedy.length() / 2 + 2);
		String before = greedy.substring(0, greedy.indexOf(stop));
		body.put("stop", List.of("<never-written>", stop));
		Answer answer = http.postJson("/api/v1/chat/completions", alice.bearer(), body);
		assertThat(answer.status()).as(answer.response().body()).isEqualTo(200);
		JsonNode cut = answer.json().get("choices").get(0);
		assertThat(cut.get("message").get("content").asText()).isEqualTo(before);
		assertThat(cut.get("finish_reason").asText()).isEqualTo("stop");

		body.put("stream", true);
		StringBuilder text = new StringBuilder();
		for (String line : dataLines(postStream(body).body())) {
			if (!line.equals("[DONE]")) {
				JsonNode chunk = DemoHttp.JSON.readTree(line);
				assertThat(chunk.has("choices")).as(line).isTrue();
				JsonNode delta = chunk.get("choices").get(0).get("delta");
				text.append(delta.has("content") ? delta.get("content").asText() : "");
			}
		}
		assertThat(text.toString()).isEqualTo(before);
	}

	@Test
	void nChoicesWithLogprobsCountEveryToken() throws Exception {
		Map<String, Object> body = imageChat(8);
		body.put("n", 3);
		body.put("temperature", 1.0);
		body.put("seed", 7);
		body.put("logprobs", true);
		body.put("top_logprobs", 2);
		Answer answer = http.postJson("/api/v1/chat/completions", alice.bearer(), body);
		assertThat(answer.status()).as(answer.response().body()).isEqualTo(200);
		JsonNode choices = answer.json().get("choices");
		assertThat(choices).hasSize(3);
		int tokens = 0;
		for (int i = 0; i < 3; i++) {
			JsonNode choice = choices.get(i);
			assertThat(choice.get("index").asInt()).isEqualTo(i);
			JsonNode content = choice.get("logprobs").get("content");
			tokens += content.size();
			for (JsonNode token : content) {
				JsonNode top = token.get("top_logprobs");
				assertThat(top).hasSize(2);
				assertThat(top.get(0).get("logprob").asDouble()).isGreaterThanOrEqualTo(top.get(1).get("logprob").asDouble());
				assertThat(token.get("logprob").asDouble()).isLessThanOrEqualTo(0)
					.isLessThanOrEqualTo(top.get(0).get("logprob").asDouble() + 1e-6);
				assertThat(token.get("bytes")).isNotNull();
			}
		}
		assertThat(answer.json().get("usage").get("completion_tokens").asInt()).isEqualTo(tokens);
		// greedy: the chosen token is the most likely one
		body.put("temperature", 0);
		body.put("n", 1);
		JsonNode greedy = http.postJson("/api/v1/chat/completions", alice.bearer(), body).json().get("choices").get(0)
			.get("logprobs").get("content").get(0);
		assertThat(greedy.get("token").asText()).isEqualTo(greedy.get("top_logprobs").get(0).get("token").asText());
	}

	@Test
	void aClientThatHangsUpStopsItsGeneration() throws Exception {
		long cancelledBefore = worker.status().cancelled();
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("model", model);
		body.put("max_tokens", 2048);
		body.put("stream", true);
		body.put("messages", List.of(Map.of("role", "user", "content", "Count to a thousand.")));
		body.put("temperature", 0);
		byte[] json = DemoHttp.JSON.writeValueAsBytes(body);
		try (Socket socket = new Socket("localhost", port)) {
			socket.setSoTimeout(60_000);
			OutputStream out = socket.getOutputStream();
			out.write(("POST /api/v1/chat/completions HTTP/1.1\r\nHost: localhost\r\nAuthorization: " + alice.bearer()
					+ "\r\nContent-Type: application/json\r\nContent-Length: " + json.length + "\r\n\r\n")
				.getBytes(StandardCharsets.US_ASCII));
			out.write(json);
			out.flush();
			BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
			int content = 0;
			String line;
			while (content < 3 && (line = in.readLine()) != null) {
				if (line.startsWith("data: ") && line.contains("\"content\"") && !line.contains("\"role\"")) {
					content++;
				}
			}
			assertThat(content).as("the stream started").isEqualTo(3);
		}
		// the worker is told and stops after its current token, well before 2048 tokens
		await().atMost(Duration.ofSeconds(20))
			.untilAsserted(() -> assertThat(worker.status().cancelled()).isEqualTo(cancelledBefore + 1));
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(worker.inFlight()).isZero());
		Answer next = http.postJson("/api/v1/chat/completions", alice.bearer(),
				Map.of("model", model, "max_tokens", 4, "messages", List.of(Map.of("role", "user", "content", "Hi"))));
		assertThat(next.status()).as(next.response().body()).isEqualTo(200);
	}

	@Test
	void streamsCountAgainstTheInFlightLimitAndARefusalIsAPlain429() throws Exception {
		Map<String, Object> body = imageChat(4);
		assertThat(http.postJson("/api/v1/chat/completions", alice.bearer(), body).status()).isEqualTo(200);
		long pid = worker.pid();
		int limit = properties.maxPendingRequests();
		body.put("stream", true);
		// freeze the real worker: admitted streams stay in flight until it resumes
		DemoHttp.signal(pid, "STOP");
		List<CompletableFuture<HttpResponse<String>>> admitted = new ArrayList<>();
		try {
			for (int i = 0; i < limit; i++) {
				admitted.add(CompletableFuture.supplyAsync(() -> {
					try {
						return postStream(body);
					}
					catch (Exception ex) {
						throw new IllegalStateException(ex);
					}
				}));
			}
			await().atMost(Duration.ofSeconds(30)).until(() -> worker.inFlight() == limit);
			Answer refused = http.postJson("/api/v1/chat/completions", alice.bearer(), body);
			expectError(refused, 429, "requests", null);
			assertThat(refused.json().get("error").get("code").asText()).isEqualTo("rate_limit_exceeded");
			assertThat(Long.parseLong(refused.header("Retry-After"))).isPositive();
		}
		finally {
			DemoHttp.signal(pid, "CONT");
		}
		for (CompletableFuture<HttpResponse<String>> stream : admitted) {
			HttpResponse<String> response = stream.get(2, TimeUnit.MINUTES);
			assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
			assertThat(dataLines(response.body())).last().isEqualTo("[DONE]");
		}
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(worker.inFlight()).isZero());
	}

	private Map<String, Object> imageChat(int maxTokens) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("model", model);
		body.put("max_tokens", maxTokens);
		body.put("messages", List.of(Map.of("role", "user", "content", List.of(Map.of("type", "text", "text",
				"What is in the image? "), Map.of("type", "image_url", "image_url", Map.of("url", dataUri))))));
		return body;
	}

	private HttpResponse<String> postStream(Map<String, Object> body) throws Exception {
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/v1/chat/completions"))
			.header("Authorization", alice.bearer())
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(DemoHttp.JSON.writeValueAsString(body)))
			.build();
		return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
	}

	/** The {@code data:} payloads of an event stream, in order. */
	private static List<String> dataLines(String stream) {
		return stream.lines().filter((l) -> l.startsWith("data: ")).map((l) -> l.substring(6)).toList();
	}

	private static void expectError(Answer answer, int status, String type, String param) {
		assertThat(answer.status()).as(answer.response().body()).isEqualTo(status);
		assertThat(answer.contentType()).startsWith("application/json");
		JsonNode error = answer.json().get("error");
		assertThat(error.get("message").asText()).as(answer.response().body()).isNotBlank();
		assertThat(error.get("type").asText()).isEqualTo(type);
		assertThat(error.has("code")).isTrue();
		if (param != null) {
			assertThat(error.get("param").asText()).as(answer.response().body()).isEqualTo(param);
		}
		else {
			assertThat(error.get("param").isNull()).isTrue();
		}
	}

}

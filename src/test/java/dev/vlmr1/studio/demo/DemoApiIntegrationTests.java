package dev.vlmr1.studio.demo;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
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
import java.util.zip.CRC32;

import javax.imageio.ImageIO;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
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
import dev.vlmr1.studio.demo.worker.PromptTemplates;
import dev.vlmr1.studio.model.ChatMessage;
import dev.vlmr1.studio.model.ChatTemplate;
import dev.vlmr1.studio.model.Generation;
import dev.vlmr1.studio.model.Generator;
import dev.vlmr1.studio.model.ModelInputs;
import dev.vlmr1.studio.model.QwenVlModel;
import dev.vlmr1.studio.model.SamplingParams;
import dev.vlmr1.studio.model.image.ImageProcessor;
import dev.vlmr1.studio.model.image.ProcessedImages;
import dev.vlmr1.studio.model.tokenizer.QwenTokenizer;
import dev.vlmr1.studio.web.StudioProperties;
import dev.vlmr1.studio.web.TestModels;
import dev.vlmr1.studio.web.TestUsers;
import dev.vlmr1.studio.web.TestUsers.TestUser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The demo over real HTTP with the tiny fixture checkpoint registered as a model and a real inference worker
 * process: the answer equals greedy generation done directly with the model library, the worker is another
 * process, its model cache is bounded, the in-flight limit answers 429, a killed worker costs one 503 and is
 * restarted, and bad input gets clear problems.
 *
 * <p>Same context configuration as the other real-HTTP tests (and the browser test), so they share one context.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@Slow
class DemoApiIntegrationTests {

	static final Path IMAGE = DemoHttp.FIXTURES.resolve("images/h_150x95.png");

	static final String EXPRESSION = "the red circle";

	static final int NEW_TOKENS = 24;

	@LocalServerPort
	int port;

	@Autowired
	ApplicationContext context;

	@Autowired
	StudioProperties studio;

	@Autowired
	InferenceWorkerClient worker;

	@Autowired
	DemoProperties properties;

	DemoHttp http;

	TestUser alice;

	Path root;

	@BeforeEach
	void setUp() throws Exception {
		http = new DemoHttp(port);
		alice = new TestUsers(context).create("alice");
		root = TestModels.importRoot(context).resolve("demo-models-" + UUID.randomUUID());
	}

	@Test
	void recAnswersWhatGreedyGenerationGivesAndRunsInAnotherProcess() throws Exception {
		Path dir = DemoHttp.copyTinyCheckpoint(root.resolve("tiny"));
		long model = http.register(alice.bearer(), "tiny", dir);
		byte[] image = Files.readAllBytes(IMAGE);

		Answer answer = rec(alice, model, image, EXPRESSION);
		assertThat(answer.status()).as(answer.response().body()).isEqualTo(200);
		JsonNode json = answer.json();
		String expected = directGreedy(dir, PromptTemplates.rec(EXPRESSION));
		assertThat(json.get("completion").asText()).isEqualTo(expected);
		assertThat(json.get("modelId").asLong()).isEqualTo(model);
		assertThat(json.has("thinking")).isTrue();
		assertThat(json.has("answer")).isTrue();
		assertThat(json.has("box")).isTrue();
		assertThat(json.has("rawBox")).isTrue();
		assertThat(json.get("image").get("width").asInt()).isEqualTo(150);
		assertThat(json.get("image").get("height").asInt()).isEqualTo(95);
		// the fixture's processor resizes to at most 6272 pixels, in 28-pixel steps
		assertThat(json.get("image").get("inputWidth").asInt() % 28).isZero();
		assertThat(json.get("generatedTokens").asInt()).isBetween(1, NEW_TOKENS);
		assertThat(json.get("timing").get("generateMs").asLong()).isGreaterThanOrEqualTo(0);

		long pid = json.get("workerPid").asLong();
		assertThat(pid).isNotEqualTo(ProcessHandle.current().pid());
		ProcessHandle process = ProcessHandle.of(pid).orElseThrow();
		assertThat(process.isAlive()).isTrue();
		assertThat(process.parent().map(ProcessHandle::pid)).contains(ProcessHandle.current().pid());

		// the same request as JSON with a data: URI: same greedy text, same worker, model already loaded
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("modelId", model);
		body.put("expression", EXPRESSION);
		body.put("max_new_tokens", NEW_TOKENS);
		body.put("image", "data:image/png;base64," + Base64.getEncoder().encodeToString(image));
		Answer again = http.postJson("/api/demo/rec", alice.bearer(), body);
		assertThat(again.status()).as(again.response().body()).isEqualTo(200);
		assertThat(again.json().get("completion").asText()).isEqualTo(expected);
		assertThat(again.json().get("workerPid").asLong()).isEqualTo(pid);
		assertThat(again.json().get("cacheHit").asBoolean()).isTrue();
	}

	@Test
	void ovdAnswersWithLabelledBoxesShape() throws Exception {
		Path dir = DemoHttp.copyTinyCheckpoint(root.resolve("tiny-ovd"));
		long model = http.register(alice.bearer(), "tiny-ovd", dir);
		Map<String, String> fields = new LinkedHashMap<>();
		fields.put("modelId", Long.toString(model));
		fields.put("labels", "circle, square,, circle");
		fields.put("max_new_tokens", Integer.toString(NEW_TOKENS));
		Answer answer = http.multipart("/api/demo/ovd", alice.bearer(), fields, Files.readAllBytes(IMAGE));
		assertThat(answer.status()).as(answer.response().body()).isEqualTo(200);
		JsonNode json = answer.json();
		assertThat(json.get("labels")).hasSize(2);
		assertThat(json.get("labels").get(0).asText()).isEqualTo("circle");
		assertThat(json.get("completion").asText())
			.isEqualTo(directGreedy(dir, PromptTemplates.ovd(List.of("circle", "square"))));
		assertThat(json.get("detections").isArray()).isTrue();
		assertThat(json.get("problems").isArray()).isTrue();
	}

	@Test
	void badInputsGetClearProblems() throws Exception {
		long model = http.register(alice.bearer(), "tiny", DemoHttp.copyTinyCheckpoint(root.resolve("tiny")));
		byte[] image = Files.readAllBytes(IMAGE);

		expectProblem(rec(alice, model, "this is not an image".getBytes(), EXPRESSION), 400, "image");
		expectProblem(rec(alice, model, image, null), 400, "expression");
		expectProblem(rec(alice, model, image, "   "), 400, "expression");
		expectProblem(rec(alice, model, null, EXPRESSION), 400, "image");
		expectProblem(rec(alice, model, hugePngHeader(20_000, 20_000), EXPRESSION), 413, "image")
			.satisfies((a) -> assertThat(a.json().get("detail").asText()).contains("20000x20000", "limit"));
		expectProblem(rec(alice, model + 1_000_000, image, EXPRESSION), 404, null);
		expectProblem(rec(alice, null, image, EXPRESSION), 400, "modelId");

		Map<String, String> fields = recFields(model, EXPRESSION);
		fields.put("max_new_tokens", "0");
		expectProblem(http.multipart("/api/demo/rec", alice.bearer(), fields, image), 400, "max_new_tokens");
		fields.put("max_new_tokens", "lots");
		expectProblem(http.multipart("/api/demo/rec", alice.bearer(), fields, image), 400, "max_new_tokens");
		fields = recFields(model, EXPRESSION);
		fields.put("rescale", "maybe");
		expectProblem(http.multipart("/api/demo/rec", alice.bearer(), fields, image), 400, "rescale");
		fields = recFields(model, EXPRESSION);
		fields.put("temperature", "-1");
		expectProblem(http.multipart("/api/demo/rec", alice.bearer(), fields, image), 400, "temperature");
		expectProblem(http.multipart("/api/demo/ovd", alice.bearer(), recFields(model, EXPRESSION), image), 400,
				"labels");
		expectProblem(http.postJson("/api/demo/rec", alice.bearer(),
				Map.of("modelId", model, "expression", EXPRESSION, "image", "data:image/png,notbase64")), 400, "image");
		expectProblem(http.postJson("/api/demo/rec", alice.bearer(),
				Map.of("modelId", model, "expression", EXPRESSION, "image", "%%%")), 400, "image");

		// another owner's model is a 404, exactly like a missing one; no token is a 401
		TestUser bob = new TestUsers(context).create("bob");
		expectProblem(rec(bob, model, image, EXPRESSION), 404, null);
		assertThat(http.multipart("/api/demo/rec", null, recFields(model, EXPRESSION), image).status()).isEqualTo(401);
		// the worker status is for administrators
		assertThat(http.get("/api/demo/worker", alice.bearer()).status()).isEqualTo(403);
	}

	@Test
	void theWorkerKeepsAtMostTheConfiguredNumberOfModels() throws Exception {
		TestUser admin = new TestUsers(context).createAdmin("admin");
		int capacity = properties.maxCachedModels();
		List<Long> models = new ArrayList<>();
		List<String> dirs = new ArrayList<>();
		for (int i = 0; i <= capacity; i++) {
			Path dir = DemoHttp.copyTinyCheckpoint(root.resolve("m" + i));
			models.add(http.register(admin.bearer(), "m" + i, dir));
			dirs.add(dir.toRealPath().toString());
		}
		byte[] image = Files.readAllBytes(IMAGE);
		for (long model : models) {
			Answer answer = rec(admin, model, image, EXPRESSION, 1);
			assertThat(answer.status()).as(answer.response().body()).isEqualTo(200);
			assertThat(answer.json().get("cacheHit").asBoolean()).isFalse();
		}
		JsonNode status = http.get("/api/demo/worker", admin.bearer()).json().get("status");
		assertThat(status.get("maxCachedModels").asInt()).isEqualTo(capacity);
		assertThat(texts(status.get("cachedModels"))).containsExactlyElementsOf(dirs.subList(1, capacity + 1));

		// the first model was evicted (least recently used): loaded again, evicting the second
		assertThat(rec(admin, models.get(0), image, EXPRESSION, 1).json().get("cacheHit").asBoolean()).isFalse();
		assertThat(rec(admin, models.get(capacity), image, EXPRESSION, 1).json().get("cacheHit").asBoolean()).isTrue();
		status = http.get("/api/demo/worker", admin.bearer()).json().get("status");
		assertThat(texts(status.get("cachedModels"))).hasSize(capacity)
			.doesNotContain(dirs.get(1))
			.endsWith(dirs.get(0), dirs.get(capacity));
	}

	@Test
	void requestsOverTheInFlightLimitGet429WithRetryAfter() throws Exception {
		long model = http.register(alice.bearer(), "tiny", DemoHttp.copyTinyCheckpoint(root.resolve("tiny")));
		byte[] image = Files.readAllBytes(IMAGE);
		long pid = rec(alice, model, image, EXPRESSION, 1).json().get("workerPid").asLong();
		int limit = properties.maxPendingRequests();
		// freeze the real worker: admitted requests stay in flight until it resumes
		DemoHttp.signal(pid, "STOP");
		List<CompletableFuture<Answer>> admitted = new ArrayList<>();
		try {
			for (int i = 0; i < limit; i++) {
				admitted.add(CompletableFuture.supplyAsync(() -> call(() -> rec(alice, model, image, EXPRESSION, 2))));
			}
			await().atMost(Duration.ofSeconds(30)).until(() -> worker.inFlight() == limit);
			Answer refused = rec(alice, model, image, EXPRESSION, 2);
			expectProblem(refused, 429, null);
			assertThat(Long.parseLong(refused.header("Retry-After"))).isPositive();
			assertThat(refused.json().get("detail").asText()).contains(Integer.toString(limit));
		}
		finally {
			DemoHttp.signal(pid, "CONT");
		}
		for (CompletableFuture<Answer> request : admitted) {
			Answer answer = request.get(2, TimeUnit.MINUTES);
			assertThat(answer.status()).as(answer.response().body()).isEqualTo(200);
		}
		assertThat(worker.inFlight()).isZero();
	}

	@Test
	void aKilledWorkerFailsItsRequestWith503AndIsRestartedByTheNext() throws Exception {
		long model = http.register(alice.bearer(), "tiny", DemoHttp.copyTinyCheckpoint(root.resolve("tiny")));
		byte[] image = Files.readAllBytes(IMAGE);
		long pid = rec(alice, model, image, EXPRESSION, 1).json().get("workerPid").asLong();
		DemoHttp.signal(pid, "STOP");
		CompletableFuture<Answer> inFlight = CompletableFuture
			.supplyAsync(() -> call(() -> rec(alice, model, image, EXPRESSION, 2)));
		await().atMost(Duration.ofSeconds(30)).until(() -> worker.inFlight() == 1);
		DemoHttp.signal(pid, "KILL");

		Answer lost = inFlight.get(1, TimeUnit.MINUTES);
		expectProblem(lost, 503, null);
		assertThat(lost.json().get("detail").asText()).contains("pid " + pid, "restarted");
		assertThat(lost.header("Retry-After")).isNotNull();

		Answer next = rec(alice, model, image, EXPRESSION, 1);
		assertThat(next.status()).as(next.response().body()).isEqualTo(200);
		long newPid = next.json().get("workerPid").asLong();
		assertThat(newPid).isNotEqualTo(pid);
		assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).isNotEqualTo(java.util.Optional.of(true));
	}

	@Test
	void chatCompletionsSpeakTheOpenAiFormat() throws Exception {
		Path dir = DemoHttp.copyTinyCheckpoint(root.resolve("tiny-chat"));
		String name = "tiny-chat-" + UUID.randomUUID();
		http.register(alice.bearer(), name, dir);
		String dataUri = "data:image/png;base64," + Base64.getEncoder().encodeToString(Files.readAllBytes(IMAGE));
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("model", name);
		body.put("max_tokens", NEW_TOKENS);
		body.put("messages", List.of(Map.of("role", "system", "content", "You are a grounding assistant."),
				Map.of("role", "user", "content", List.of(Map.of("type", "text", "text", "Where is it? "),
						Map.of("type", "image_url", "image_url", Map.of("url", dataUri)),
						Map.of("type", "text", "text", " Answer briefly.")))));
		Answer answer = http.postJson("/api/v1/chat/completions", alice.bearer(), body);
		assertThat(answer.status()).as(answer.response().body()).isEqualTo(200);
		JsonNode json = answer.json();
		assertThat(json.get("object").asText()).isEqualTo("chat.completion");
		assertThat(json.get("model").asText()).isEqualTo(name);
		JsonNode choice = json.get("choices").get(0);
		assertThat(choice.get("message").get("role").asText()).isEqualTo("assistant");
		assertThat(choice.get("message").get("content").asText()).isEqualTo(directGreedy(dir,
				List.of(ChatMessage.system("You are a grounding assistant."),
						ChatMessage.user("Where is it? <image> Answer briefly.", 1))));
		assertThat(choice.get("finish_reason").asText()).isIn("stop", "length");
		JsonNode usage = json.get("usage");
		assertThat(usage.get("total_tokens").asInt())
			.isEqualTo(usage.get("prompt_tokens").asInt() + usage.get("completion_tokens").asInt());

		// text only works too; the model list names the model
		Answer text = http.postJson("/api/v1/chat/completions", alice.bearer(),
				Map.of("model", name, "max_tokens", 4, "messages", List.of(Map.of("role", "user", "content", "Hi"))));
		assertThat(text.status()).as(text.response().body()).isEqualTo(200);
		assertThat(text.json().get("usage").get("completion_tokens").asInt()).isBetween(1, 4);
		assertThat(http.get("/api/v1/models", alice.bearer()).json().get("data").findValuesAsText("id")).contains(name);

		List<Object> remoteImage = List.of(Map.of("role", "user", "content",
				List.of(Map.of("type", "image_url", "image_url", Map.of("url", "http://example.com/a.png")))));
		// errors in OpenAI's shape (OpenAiCompatibilityTests covers them in full)
		expectOpenAiError(http.postJson("/api/v1/chat/completions", alice.bearer(),
				Map.of("model", name, "messages", remoteImage)), 400, "messages");
		expectOpenAiError(http.postJson("/api/v1/chat/completions", alice.bearer(),
				Map.of("model", name, "messages", List.of(Map.of("role", "tool", "content", "Hi")))), 400, "messages");
		expectOpenAiError(http.postJson("/api/v1/chat/completions", alice.bearer(),
				Map.of("model", "no-such-model", "messages", List.of(Map.of("role", "user", "content", "Hi")))), 404,
				"model");
		expectOpenAiError(http.postJson("/api/v1/chat/completions", alice.bearer(), Map.of("model", name)), 400,
				"messages");
	}

	private static void expectOpenAiError(Answer answer, int status, String param) {
		assertThat(answer.status()).as(answer.response().body()).isEqualTo(status);
		assertThat(answer.contentType()).startsWith("application/json");
		assertThat(answer.json().get("error").get("message").asText()).isNotBlank();
		assertThat(answer.json().get("error").get("param").asText()).isEqualTo(param);
	}

	private Answer rec(TestUser user, Long model, byte[] image, String expression) throws Exception {
		return rec(user, model, image, expression, NEW_TOKENS);
	}

	private Answer rec(TestUser user, Long model, byte[] image, String expression, int newTokens) throws Exception {
		Map<String, String> fields = recFields(model, expression);
		fields.put("max_new_tokens", Integer.toString(newTokens));
		return http.multipart("/api/demo/rec", user.bearer(), fields, image);
	}

	private static Map<String, String> recFields(Long model, String expression) {
		Map<String, String> fields = new LinkedHashMap<>();
		if (model != null) {
			fields.put("modelId", Long.toString(model));
		}
		if (expression != null) {
			fields.put("expression", expression);
		}
		return fields;
	}

	private static org.assertj.core.api.ObjectAssert<Answer> expectProblem(Answer answer, int status, String field) {
		assertThat(answer.status()).as(answer.response().body()).isEqualTo(status);
		assertThat(answer.contentType()).startsWith("application/problem+json");
		assertThat(answer.json().get("detail").asText()).isNotBlank();
		if (field != null) {
			assertThat(answer.json().get("field").asText()).isEqualTo(field);
		}
		return assertThat(answer);
	}

	/** Greedy generation with the model library in this JVM, the same prompt and image as the demo's. */
	private static String directGreedy(Path dir, String question) throws Exception {
		return directGreedy(dir, List.of(ChatMessage.user(question, 1)));
	}

	/** Greedy generation of the next assistant turn of a conversation about the test image. */
	private static String directGreedy(Path dir, List<ChatMessage> messages) throws Exception {
		BufferedImage image = ImageIO.read(IMAGE.toFile());
		try (QwenVlModel model = QwenVlModel.load(dir);
				QwenTokenizer tokenizer = QwenTokenizer.load(dir);
				NDManager manager = model.manager().newSubManager()) {
			ProcessedImages processed = ImageProcessor.fromCheckpoint(dir).process(List.of(image));
			long[] prompt = new ChatTemplate(tokenizer).prompt(messages, processed.tokensPerImage());
			ModelInputs inputs = ModelInputs.of(manager.create(prompt, new Shape(1, prompt.length)))
				.withImages(manager.create(processed.pixelValues(), new Shape(processed.shape())), processed.gridThw());
			Generation generation = new Generator(model, (ids) -> tokenizer.decode(ids, true)).generate(inputs,
					SamplingParams.greedy(NEW_TOKENS, model.config()));
			return generation.texts().get(0);
		}
	}

	/** A valid 1×1 PNG whose header claims {@code width}×{@code height} (a decompression bomb's signature). */
	static byte[] hugePngHeader(int width, int height) throws Exception {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		ImageIO.write(new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB), "png", out);
		byte[] png = out.toByteArray();
		// IHDR: length(4) "IHDR"(4) width(4) height(4) ... at offset 8; CRC over type + 13 data bytes
		writeInt(png, 16, width);
		writeInt(png, 20, height);
		CRC32 crc = new CRC32();
		crc.update(png, 12, 17);
		writeInt(png, 29, (int) crc.getValue());
		return png;
	}

	private static void writeInt(byte[] bytes, int offset, int value) {
		bytes[offset] = (byte) (value >>> 24);
		bytes[offset + 1] = (byte) (value >>> 16);
		bytes[offset + 2] = (byte) (value >>> 8);
		bytes[offset + 3] = (byte) value;
	}

	private static List<String> texts(JsonNode array) {
		List<String> out = new ArrayList<>();
		array.forEach((n) -> out.add(n.asText()));
		return out;
	}

	interface Call {

		Answer run() throws Exception;

	}

	private static Answer call(Call call) {
		try {
			return call.run();
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

}

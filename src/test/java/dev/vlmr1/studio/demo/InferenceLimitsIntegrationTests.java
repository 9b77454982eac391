package dev.vlmr1.studio.demo;

import java.awt.image.BufferedImage;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.imageio.ImageIO;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.util.unit.DataSize;

import dev.vlmr1.studio.Slow;
import dev.vlmr1.studio.demo.DemoHttp.Answer;
import dev.vlmr1.studio.demo.worker.WorkerRequest;
import dev.vlmr1.studio.demo.worker.WorkerResponse;
import dev.vlmr1.studio.model.ChatMessage;
import dev.vlmr1.studio.model.ChatTemplate;
import dev.vlmr1.studio.model.image.ImageProcessor;
import dev.vlmr1.studio.model.tokenizer.QwenTokenizer;
import dev.vlmr1.studio.web.StudioProperties;
import dev.vlmr1.studio.web.TestModels;
import dev.vlmr1.studio.web.TestUsers;
import dev.vlmr1.studio.web.TestUsers.TestUser;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * No request can exhaust the inference worker (issue 11, class 1), over real HTTP with a real worker process and
 * the tiny checkpoint: the inputs that once grew the worker to 17 GB or answered 500 (a 48 KB and a 1.2 MB prompt,
 * a long word list, too many images, huge images, a huge max_tokens, a huge body) are refused with 413/400
 * problems naming the limit, the worker refuses on its own what reaches it directly, it stays the same process
 * throughout, and the largest request it allows completes within its memory budget (its peak RSS measured).
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@Slow
class InferenceLimitsIntegrationTests {

	static final Path IMAGE = DemoHttp.FIXTURES.resolve("images/h_150x95.png");

	@LocalServerPort
	int port;

	@Autowired
	ApplicationContext context;

	@Autowired
	StudioProperties studio;

	@Autowired
	DemoProperties properties;

	@Autowired
	InferenceWorkerClient worker;

	DemoHttp http;

	TestUser alice;

	Path dir;

	String model;

	long modelId;

	String dataUri;

	@BeforeEach
	void setUp() throws Exception {
		http = new DemoHttp(port);
		alice = new TestUsers(context).create("alice");
		dir = DemoHttp.copyTinyCheckpoint(TestModels.importRoot(context).resolve("limits-" + UUID.randomUUID()));
		model = "tiny-limits-" + UUID.randomUUID();
		modelId = http.register(alice.bearer(), model, dir);
		dataUri = "data:image/png;base64," + Base64.getEncoder().encodeToString(Files.readAllBytes(IMAGE));
	}

	@Test
	void theOldAttacksAreRefusedNamingTheLimitAndTheWorkerLivesOn() throws Exception {
		long pid = normalChatWorks();

		// 48 KB of text: more tokens than the tiny model has positions
		expectTooLarge(chat(text("attack ", 48 * 1024 / 7), 16), "max-prompt-tokens", "max_position_embeddings");
		// 1.2 MB of text: refused by the web tier before it is tokenized
		expectTooLarge(chat(text("x", 1_200_000), 16), "max-prompt-characters");
		// 2,000 distinct words
		StringBuilder words = new StringBuilder();
		for (int i = 0; i < 2000; i++) {
			words.append("word").append(i).append(' ');
		}
		expectTooLarge(chat(words.toString(), 16), "max-prompt-tokens", "max_position_embeddings");
		// one image more than allowed
		expectTooLarge(chatWithImages(properties.maxImages() + 1, dataUri), "max-images");
		// images whose headers claim more pixels together than allowed, each under the per-image limit
		String bomb = "data:image/png;base64," + Base64.getEncoder()
			.encodeToString(DemoApiIntegrationTests.hugePngHeader(9000, 5000));
		expectTooLarge(chatWithImages(3, bomb), "max-total-image-pixels");
		// one image over the per-image limit, on the chat and the REC endpoint
		byte[] huge = DemoApiIntegrationTests.hugePngHeader(20_000, 20_000);
		Answer hugeChat = chatWithImages(1, "data:image/png;base64," + Base64.getEncoder().encodeToString(huge));
		assertThat(hugeChat.status()).as(hugeChat.response().body()).isEqualTo(413);
		assertThat(hugeChat.json().get("error").get("message").asText()).contains("max-image-pixels");
		Answer hugeRec = http.multipart("/api/demo/rec", alice.bearer(),
				Map.of("modelId", Long.toString(modelId), "expression", "the dot"), huge);
		assertThat(hugeRec.status()).as(hugeRec.response().body()).isEqualTo(413);
		// a huge max_tokens
		Answer tokens = chat("Hi", 1_000_000_000);
		assertThat(tokens.status()).as(tokens.response().body()).isEqualTo(400);
		assertThat(tokens.json().get("error").get("message").asText()).contains("max_tokens", "2048");
		assertThat(tokens.json().get("error").get("param").asText()).isEqualTo("max_tokens");
		// more messages than allowed
		List<Object> messages = new ArrayList<>();
		for (int i = 0; i <= properties.maxMessages(); i++) {
			messages.add(Map.of("role", "user", "content", "hi"));
		}
		expectTooLarge(http.postJson("/api/v1/chat/completions", alice.bearer(),
				Map.of("model", model, "max_tokens", 4, "messages", messages)), "max-messages");
		// a body declared larger than the limit: refused before a byte of it is read
		String head = rawPost("/api/v1/chat/completions", properties.maxRequestBytes().toBytes() + 1);
		assertThat(head).startsWith("HTTP/1.1 413").contains("max-request-bytes");
		// a body sent without a length (chunked) is cut off once it goes over
		assertThat(chunkedPost("/api/v1/chat/completions", properties.maxRequestBytes().toBytes() + (1 << 20)))
			.startsWith("HTTP/1.1 413")
			.contains("max-request-bytes");
		// an image file over the byte limit on the REC endpoint's multipart form
		byte[] fat = new byte[(int) properties.maxImageBytes().toBytes() + 1];
		System.arraycopy(Files.readAllBytes(IMAGE), 0, fat, 0, (int) Files.size(IMAGE));
		Answer fatRec = http.multipart("/api/demo/rec", alice.bearer(),
				Map.of("modelId", Long.toString(modelId), "expression", "the dot"), fat);
		assertThat(fatRec.status()).as(fatRec.response().body()).isEqualTo(413);
		assertThat(fatRec.json().get("detail").asText()).contains("max-image-bytes");

		assertThat(normalChatWorks()).as("the same worker process answers").isEqualTo(pid);
	}

	@Test
	void theWorkerRefusesOnItsOwnWhatReachesItPastTheWebTier() throws Exception {
		long pid = normalChatWorks();
		WorkerRequest longPrompt = WorkerRequest.chat(dir.toRealPath().toString(),
				List.of(new WorkerRequest.ChatTurn("user", text("attack ", 1_200_000 / 7), 0)), List.of(), 16, 0, 1);
		WorkerResponse refused = worker.infer(longPrompt);
		assertThat(refused.ok()).isFalse();
		assertThat(refused.errorKind()).isEqualTo(WorkerResponse.TOO_LARGE);
		assertThat(refused.limit()).isIn("max-prompt-tokens", "max_position_embeddings");
		String image = Base64.getEncoder().encodeToString(Files.readAllBytes(IMAGE));
		List<String> images = new ArrayList<>();
		StringBuilder markers = new StringBuilder();
		for (int i = 0; i <= properties.maxImages(); i++) {
			images.add(image);
			markers.append("<image>");
		}
		WorkerResponse tooMany = worker.infer(WorkerRequest.chat(dir.toRealPath().toString(),
				List.of(new WorkerRequest.ChatTurn("user", markers.toString(), images.size())), images, 4, 0, 1));
		assertThat(tooMany.errorKind()).isEqualTo(WorkerResponse.TOO_LARGE);
		assertThat(tooMany.limit()).isEqualTo("max-images");
		assertThat(normalChatWorks()).isEqualTo(pid);
	}

	@Test
	void theLargestAllowedRequestCompletesWithinTheWorkersMemoryBudget() throws Exception {
		int newTokens = 4;
		int positions = 4096; // the tiny checkpoint's max_position_embeddings
		int images = properties.maxImages();
		int words = largestWordCount(images, positions - newTokens);

		Answer largest = chatWithImages(images, dataUri, text("w ", words), newTokens);
		assertThat(largest.status()).as(largest.response().body()).isEqualTo(200);
		assertThat(largest.json().get("usage").get("prompt_tokens").asInt()).isEqualTo(positions - newTokens);
		long pid = worker.pid();
		long peak = peakRssBytes(pid);
		long budget = DataSize.parse(properties.workerHeap().toUpperCase() + "B").toBytes()
				+ properties.workerNativeMemory().toBytes();
		System.out.printf("largest allowed request: %d prompt tokens, %d images; worker peak RSS %d MiB, budget %d MiB%n",
				positions - newTokens, images, peak >> 20, budget >> 20);
		assertThat(peak).as("peak RSS of the worker (VmHWM)").isLessThanOrEqualTo(budget);
		// and the worker runs under an address-space limit, so what slips past the estimate fails inside the request
		assertThat(Files.readAllLines(Path.of("/proc", Long.toString(pid), "limits")))
			.filteredOn((line) -> line.startsWith("Max address space"))
			.singleElement()
			.asString()
			.doesNotContain("unlimited");

		// one word more is refused, and the worker is still the same process
		expectTooLarge(chatWithImages(images, dataUri, text("w ", words + 1), newTokens), "max_position_embeddings");
		assertThat(normalChatWorks()).isEqualTo(pid);
	}

	/** The most repetitions of "w " whose prompt, with these images, has at most {@code maxTokens} tokens. */
	private int largestWordCount(int images, int maxTokens) {
		BufferedImage image = ImageProcessor.read(IMAGE);
		int[] perImage = new int[images];
		int tokensPerImage = ImageProcessor.fromCheckpoint(dir).process(List.of(image)).tokensPerImage()[0];
		java.util.Arrays.fill(perImage, tokensPerImage);
		try (QwenTokenizer tokenizer = QwenTokenizer.load(dir)) {
			ChatTemplate template = new ChatTemplate(tokenizer);
			int low = 0;
			int high = maxTokens;
			while (low < high) {
				int mid = (low + high + 1) / 2;
				String text = "<image>".repeat(images) + text("w ", mid);
				long length = template.prompt(List.of(ChatMessage.user(text, images)), perImage).length;
				if (length <= maxTokens) {
					low = mid;
				}
				else {
					high = mid - 1;
				}
			}
			return low;
		}
	}

	private long normalChatWorks() throws Exception {
		Answer answer = chatWithImages(1, dataUri, "Where is it?", 4);
		assertThat(answer.status()).as(answer.response().body()).isEqualTo(200);
		return answer.json().has("usage") ? worker.pid() : -1;
	}

	private Answer chat(String text, int maxTokens) throws Exception {
		return http.postJson("/api/v1/chat/completions", alice.bearer(),
				Map.of("model", model, "max_tokens", maxTokens, "messages",
						List.of(Map.of("role", "user", "content", text))));
	}

	private Answer chatWithImages(int count, String uri) throws Exception {
		return chatWithImages(count, uri, "What is this?", 4);
	}

	private Answer chatWithImages(int count, String uri, String text, int maxTokens) throws Exception {
		List<Object> parts = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			parts.add(Map.of("type", "image_url", "image_url", Map.of("url", uri)));
		}
		parts.add(Map.of("type", "text", "text", text));
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("model", model);
		body.put("max_tokens", maxTokens);
		body.put("messages", List.of(Map.of("role", "user", "content", parts)));
		return http.postJson("/api/v1/chat/completions", alice.bearer(), body);
	}

	/** A 413 of the chat endpoint: OpenAI's error shape, naming the limit. */
	private static void expectTooLarge(Answer answer, String... limits) {
		assertThat(answer.status()).as(answer.response().body()).isEqualTo(413);
		assertThat(answer.contentType()).startsWith("application/json");
		JsonNode error = answer.json().get("error");
		assertThat(error.get("code").asText()).isEqualTo("request_too_large");
		assertThat(error.get("limit").asText()).isIn((Object[]) limits);
		assertThat(error.get("message").asText()).contains(error.get("limit").asText());
	}

	private static String text(String unit, int count) {
		return unit.repeat(count);
	}

	/** Sends only the head of a POST declaring {@code length} bytes and returns what the server answers. */
	private String rawPost(String path, long length) throws Exception {
		try (Socket socket = new Socket("localhost", port)) {
			socket.setSoTimeout(30_000);
			OutputStream out = socket.getOutputStream();
			out.write(("POST " + path + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: " + alice.bearer()
					+ "\r\nContent-Type: application/json\r\nContent-Length: " + length + "\r\n\r\n")
				.getBytes(StandardCharsets.US_ASCII));
			out.flush();
			InputStream in = socket.getInputStream();
			return new String(in.readNBytes(2000), StandardCharsets.UTF_8);
		}
	}

	/**
	 * Sends a chat body of about {@code bytes} bytes in 1 MiB chunks (Transfer-Encoding: chunked), stopping when the
	 * server stops reading, and returns the head of its answer.
	 */
	private String chunkedPost(String path, long bytes) throws Exception {
		try (Socket socket = new Socket("localhost", port)) {
			socket.setSoTimeout(60_000);
			OutputStream out = socket.getOutputStream();
			out.write(("POST " + path + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: " + alice.bearer()
					+ "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
				.getBytes(StandardCharsets.US_ASCII));
			byte[] prefix = ("{\"model\": \"" + model + "\", \"messages\": [{\"role\": \"user\", \"content\": \"")
				.getBytes(StandardCharsets.US_ASCII);
			byte[] chunk = "a".repeat(1 << 20).getBytes(StandardCharsets.US_ASCII);
			// read concurrently: the server answers while the client is still sending, then closes
			java.util.concurrent.CompletableFuture<String> answer = java.util.concurrent.CompletableFuture
				.supplyAsync(() -> readUntilClosed(socket));
			try {
				writeChunk(out, prefix);
				for (long sent = prefix.length; sent < bytes; sent += chunk.length) {
					writeChunk(out, chunk);
				}
				out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
				out.flush();
			}
			catch (java.io.IOException ex) {
				// the server stopped reading and closed: its answer is already on its way
			}
			return answer.get(60, java.util.concurrent.TimeUnit.SECONDS);
		}
	}

	/** What the server sent until it closed the connection (or reset it). */
	private static String readUntilClosed(Socket socket) {
		java.io.ByteArrayOutputStream received = new java.io.ByteArrayOutputStream();
		byte[] buffer = new byte[4096];
		try {
			InputStream in = socket.getInputStream();
			int n;
			while ((n = in.read(buffer)) > 0) {
				received.write(buffer, 0, n);
			}
		}
		catch (java.io.IOException ex) {
			// a reset after the answer: keep what arrived
		}
		return received.toString(StandardCharsets.UTF_8);
	}

	private static void writeChunk(OutputStream out, byte[] data) throws Exception {
		out.write((Integer.toHexString(data.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
		out.write(data);
		out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
	}

	/** The process's peak resident set (VmHWM), from /proc. */
	static long peakRssBytes(long pid) throws Exception {
		for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
			if (line.startsWith("VmHWM:")) {
				return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
			}
		}
		throw new IllegalStateException("no VmHWM for pid " + pid);
	}

}

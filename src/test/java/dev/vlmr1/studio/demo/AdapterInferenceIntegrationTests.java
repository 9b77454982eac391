package dev.vlmr1.studio.demo;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.imageio.ImageIO;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
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
import dev.vlmr1.studio.model.Generator;
import dev.vlmr1.studio.model.ModelInputs;
import dev.vlmr1.studio.model.QwenVlModel;
import dev.vlmr1.studio.model.SamplingParams;
import dev.vlmr1.studio.model.image.ImageProcessor;
import dev.vlmr1.studio.model.image.ProcessedImages;
import dev.vlmr1.studio.model.lora.LoraExport;
import dev.vlmr1.studio.model.lora.PeftAdapterFiles;
import dev.vlmr1.studio.model.safetensors.DType;
import dev.vlmr1.studio.model.tokenizer.QwenTokenizer;
import dev.vlmr1.studio.web.TestModels;
import dev.vlmr1.studio.web.TestUsers;
import dev.vlmr1.studio.web.TestUsers.TestUser;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The REC and OVD demos and the OpenAI-compatible chat endpoint on a LoRA adapter model (the adapter peft wrote for
 * the tiny fixture, at a larger α, registered with its base): the real inference worker loads base + adapter, so each answer is the
 * greedy text of the same adapter merged into the weights, and differs from the base's.
 *
 * <p>Same context configuration as {@link DemoApiIntegrationTests}, so they share one context and one worker.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@Slow
class AdapterInferenceIntegrationTests {

	static final Path IMAGE = DemoHttp.FIXTURES.resolve("images/h_150x95.png");

	static final int NEW_TOKENS = 24;

	@LocalServerPort
	int port;

	@Autowired
	ApplicationContext context;

	DemoHttp http;

	TestUser alice;

	Path base;

	Path adapter;

	Path merged;

	@BeforeEach
	void setUp() throws Exception {
		http = new DemoHttp(port);
		alice = new TestUsers(context).create("alice");
		Path root = TestModels.importRoot(context).resolve("adapter-models-" + UUID.randomUUID());
		base = DemoHttp.copyTinyCheckpoint(root.resolve("base"));
		adapter = root.resolve("adapter");
		Files.createDirectories(adapter);
		Path fixture = DemoHttp.FIXTURES.resolve("qwen2_5_vl_tiny/peft_lora/adapter");
		Files.copy(fixture.resolve(PeftAdapterFiles.WEIGHTS), adapter.resolve(PeftAdapterFiles.WEIGHTS));
		// α 64 instead of 8: the same adapter eight times stronger, so that its effect shows in the greedy text of a
		// random tiny model (at α 8 the REC answer is the base's)
		Files.writeString(adapter.resolve(PeftAdapterFiles.CONFIG), Files.readString(fixture.resolve(PeftAdapterFiles.CONFIG))
			.replace("\"../..\"", "\"" + base.toAbsolutePath() + "\"")
			.replace("\"lora_alpha\": 8,", "\"lora_alpha\": 64,"));
		merged = root.resolve("merged");
		try (QwenVlModel model = QwenVlModel.load(adapter); QwenTokenizer tokenizer = QwenTokenizer.load(base)) {
			LoraExport.mergeAndSave(model, base, merged, tokenizer.specialTokens(), DType.F32);
		}
	}

	@Test
	void theRecDemoOnAnAdapterAnswersAsTheMergedModel() throws Exception {
		long model = http.register(alice.bearer(), "rec-lora-" + UUID.randomUUID(), adapter);
		Map<String, String> fields = new LinkedHashMap<>();
		fields.put("modelId", Long.toString(model));
		fields.put("expression", "the red circle");
		fields.put("max_new_tokens", Integer.toString(NEW_TOKENS));
		Answer answer = http.multipart("/api/demo/rec", alice.bearer(), fields, Files.readAllBytes(IMAGE));

		assertThat(answer.status()).as(answer.response().body()).isEqualTo(200);
		List<ChatMessage> prompt = List.of(ChatMessage.user(PromptTemplates.rec("the red circle"), 1));
		assertAppliedAdapter(answer.json().get("completion").asText(), prompt);
	}

	@Test
	void theOvdDemoOnAnAdapterAnswersAsTheMergedModel() throws Exception {
		long model = http.register(alice.bearer(), "ovd-lora-" + UUID.randomUUID(), adapter);
		Map<String, String> fields = new LinkedHashMap<>();
		fields.put("modelId", Long.toString(model));
		fields.put("labels", "circle, square");
		fields.put("max_new_tokens", Integer.toString(NEW_TOKENS));
		Answer answer = http.multipart("/api/demo/ovd", alice.bearer(), fields, Files.readAllBytes(IMAGE));

		assertThat(answer.status()).as(answer.response().body()).isEqualTo(200);
		List<ChatMessage> prompt = List.of(ChatMessage.user(PromptTemplates.ovd(List.of("circle", "square")), 1));
		assertAppliedAdapter(answer.json().get("completion").asText(), prompt);
	}

	@Test
	void chatCompletionsOnAnAdapterAnswerAsTheMergedModel() throws Exception {
		String name = "chat-lora-" + UUID.randomUUID();
		http.register(alice.bearer(), name, adapter);
		String dataUri = "data:image/png;base64," + Base64.getEncoder().encodeToString(Files.readAllBytes(IMAGE));
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("model", name);
		body.put("max_tokens", NEW_TOKENS);
		body.put("messages", List.of(Map.of("role", "user", "content", List.of(Map.of("type", "text", "text", "Where is it? "),
				Map.of("type", "image_url", "image_url", Map.of("url", dataUri))))));
		Answer answer = http.postJson("/api/v1/chat/completions", alice.bearer(), body);

		assertThat(answer.status()).as(answer.response().body()).isEqualTo(200);
		assertThat(answer.json().get("model").asText()).isEqualTo(name);
		String content = answer.json().get("choices").get(0).get("message").get("content").asText();
		assertAppliedAdapter(content, List.of(ChatMessage.user("Where is it? <image>", 1)));
	}

	/** The answer is the merged model's greedy text, and the base alone would have said something else. */
	private void assertAppliedAdapter(String answer, List<ChatMessage> prompt) throws Exception {
		assertThat(answer).isEqualTo(greedy(merged, prompt));
		assertThat(answer).as("the adapter changes the answer").isNotEqualTo(greedy(base, prompt));
	}

	/** Greedy generation with the model library in this JVM, on the test image. */
	private static String greedy(Path dir, List<ChatMessage> messages) throws Exception {
		BufferedImage image = ImageIO.read(IMAGE.toFile());
		try (QwenVlModel model = QwenVlModel.load(dir);
				QwenTokenizer tokenizer = QwenTokenizer.load(dir);
				NDManager manager = model.manager().newSubManager()) {
			ProcessedImages processed = ImageProcessor.fromCheckpoint(dir).process(List.of(image));
			long[] prompt = new ChatTemplate(tokenizer).prompt(messages, processed.tokensPerImage());
			ModelInputs inputs = ModelInputs.of(manager.create(prompt, new Shape(1, prompt.length)))
				.withImages(manager.create(processed.pixelValues(), new Shape(processed.shape())), processed.gridThw());
			return new Generator(model, (ids) -> tokenizer.decode(ids, true))
				.generate(inputs, SamplingParams.greedy(NEW_TOKENS, model.config()))
				.texts()
				.get(0);
		}
	}

}

package dev.vlmr1.studio.demo;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonProperty;
import org.jspecify.annotations.Nullable;

import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import dev.vlmr1.studio.catalog.CatalogModel;
import dev.vlmr1.studio.catalog.ModelCatalog;
import dev.vlmr1.studio.demo.worker.InferenceResult;
import dev.vlmr1.studio.demo.worker.WorkerRequest;
import dev.vlmr1.studio.web.ApiProblem;
import dev.vlmr1.studio.web.CurrentUser;

/**
 * An OpenAI-compatible subset under {@code /api/v1} (so an OpenAI client works with {@code base_url =
 * http://host/api/v1} and the API token as its key): {@code POST /chat/completions} with text and
 * {@code image_url} parts whose URLs are {@code data:} URIs (the server fetches nothing), and {@code GET /models}.
 * {@code model} is a registered model's name or id. Not supported: streaming, {@code n > 1}, tools. Unlike OpenAI,
 * {@code temperature} defaults to 0 (greedy), which is what grounding answers want. Errors are problem details.
 */
@RestController
class ChatCompletionsApiController {

	/** The request fields this endpoint reads; others are ignored, as OpenAI-compatible servers do. */
	record ChatRequest(@Nullable String model, @Nullable List<Message> messages,
			@JsonProperty("max_tokens") @Nullable Integer maxTokens,
			@JsonProperty("max_completion_tokens") @Nullable Integer maxCompletionTokens,
			@Nullable Double temperature, @Nullable Long seed, @Nullable Integer n, @Nullable Boolean stream) {
	}

	/** A message: {@code content} is a string or a list of {@code text} / {@code image_url} parts. */
	record Message(@Nullable String role, @Nullable Object content) {
	}

	record Choice(int index, Map<String, String> message, @JsonProperty("finish_reason") String finishReason) {
	}

	record Usage(@JsonProperty("prompt_tokens") int promptTokens,
			@JsonProperty("completion_tokens") int completionTokens, @JsonProperty("total_tokens") int totalTokens) {
	}

	record ChatCompletion(String id, String object, long created, String model, List<Choice> choices, Usage usage) {
	}

	record ModelEntry(String id, String object, long created, @JsonProperty("owned_by") String ownedBy) {
	}

	record ModelList(String object, List<ModelEntry> data) {
	}

	private final ModelCatalog catalog;

	private final DemoService demos;

	ChatCompletionsApiController(ModelCatalog catalog, DemoService demos) {
		this.catalog = catalog;
		this.demos = demos;
	}

	@GetMapping("/api/v1/models")
	ModelList models(@AuthenticationPrincipal CurrentUser user) {
		return new ModelList("list", catalog.list(user)
			.stream()
			.map((m) -> new ModelEntry(m.name(), "model", m.createdAt().getEpochSecond(), "user-" + m.ownerId()))
			.toList());
	}

	@PostMapping("/api/v1/chat/completions")
	ChatCompletion complete(@AuthenticationPrincipal CurrentUser user, @RequestBody ChatRequest request) {
		if (Boolean.TRUE.equals(request.stream())) {
			throw DemoService.invalid("stream", "streaming is not supported; send stream: false");
		}
		if (request.n() != null && request.n() != 1) {
			throw DemoService.invalid("n", "only n = 1 is supported");
		}
		if (request.messages() == null || request.messages().isEmpty()) {
			throw DemoService.invalid("messages", "messages is required: at least one message");
		}
		// counted before any image is decoded or the model looked up; the worker checks the tokens and the memory
		demos.checkConversation(request.messages().size(), 0, 0, 0);
		CatalogModel model = model(user, request.model());
		List<WorkerRequest.ChatTurn> turns = new ArrayList<>();
		List<String> images = new ArrayList<>();
		long[] pixels = { 0 };
		long characters = 0;
		for (Message message : request.messages()) {
			WorkerRequest.ChatTurn turn = turn(message, images, pixels);
			characters += turn.text().length();
			turns.add(turn);
			demos.checkConversation(request.messages().size(), characters, images.size(), pixels[0]);
		}
		Integer requested = request.maxCompletionTokens() != null ? request.maxCompletionTokens() : request.maxTokens();
		WorkerRequest work = WorkerRequest.chat(model.path(), turns, images, demos.maxNewTokens(requested),
				DemoService.temperature(request.temperature()),
				request.seed() == null ? System.nanoTime() : request.seed());
		InferenceResult result = demos.run(model, work, "messages");
		Usage usage = new Usage(result.promptTokens(), result.generatedTokens(),
				result.promptTokens() + result.generatedTokens());
		Choice choice = new Choice(0, Map.of("role", "assistant", "content", result.completion()),
				result.stopped() ? "stop" : "length");
		return new ChatCompletion("chatcmpl-" + UUID.randomUUID(), "chat.completion", Instant.now().getEpochSecond(),
				model.name(), List.of(choice), usage);
	}

	/** The user's model with this name, or with this id. */
	private CatalogModel model(CurrentUser user, @Nullable String name) {
		if (name == null || name.isBlank()) {
			throw DemoService.invalid("model", "model is required: a registered model's name or id");
		}
		for (CatalogModel m : catalog.list(user)) {
			if (m.name().equals(name) && m.ownerId() == user.id()) {
				return m;
			}
		}
		try {
			return catalog.get(user, Long.parseLong(name.strip()));
		}
		catch (NumberFormatException ex) {
			throw ApiProblem.notFound("Model " + name);
		}
	}

	/**
	 * A message as a turn with {@code <image>} markers, its images appended to {@code images} and their pixels added
	 * to {@code pixels[0]}.
	 */
	private WorkerRequest.ChatTurn turn(Message message, List<String> images, long[] pixels) {
		String role = message.role() == null ? "" : message.role();
		if (!List.of("system", "developer", "user", "assistant").contains(role)) {
			throw DemoService.invalid("messages", "unsupported message role '" + role + "'");
		}
		if ("developer".equals(role)) {
			role = "system";
		}
		if (message.content() instanceof String text) {
			return new WorkerRequest.ChatTurn(role, text.replace("<image>", "< image>"), 0);
		}
		if (!(message.content() instanceof List<?> parts)) {
			throw DemoService.invalid("messages", "a message's content must be a string or a list of parts");
		}
		StringBuilder text = new StringBuilder();
		int count = 0;
		for (Object part : parts) {
			Map<?, ?> map = (part instanceof Map<?, ?> m) ? m : Map.of();
			Object type = map.get("type");
			if ("text".equals(type) && map.get("text") instanceof String s) {
				// a literal marker in the text would be taken for an image position
				text.append(s.replace("<image>", "< image>"));
			}
			else if ("image_url".equals(type)) {
				demos.checkImageCount(images.size() + 1, "messages");
				byte[] bytes = DemoApiController.decode(imageUrl(map.get("image_url")));
				pixels[0] += demos.checkImage(bytes, "messages");
				images.add(Base64.getEncoder().encodeToString(bytes));
				text.append("<image>");
				count++;
			}
			else {
				throw DemoService.invalid("messages", "content parts must be {type: text, text} or"
						+ " {type: image_url, image_url: {url: data:…}}");
			}
		}
		return new WorkerRequest.ChatTurn(role, text.toString(), count);
	}

	private static String imageUrl(@Nullable Object value) {
		Object url = (value instanceof Map<?, ?> m) ? m.get("url") : value;
		if (!(url instanceof String s) || !s.startsWith("data:")) {
			throw DemoService.invalid("messages",
					"image_url must be a data: URI (data:image/png;base64,…); the server fetches no URLs");
		}
		return s;
	}

}

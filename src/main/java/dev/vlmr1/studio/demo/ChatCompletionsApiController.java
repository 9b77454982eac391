package dev.vlmr1.studio.demo;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import org.jspecify.annotations.Nullable;

import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import dev.vlmr1.studio.catalog.CatalogModel;
import dev.vlmr1.studio.catalog.ModelCatalog;
import dev.vlmr1.studio.demo.worker.InferenceResult;
import dev.vlmr1.studio.demo.worker.TokenLogprob;
import dev.vlmr1.studio.demo.worker.WorkerRequest;
import dev.vlmr1.studio.web.ApiProblem;
import dev.vlmr1.studio.web.CurrentUser;

/**
 * An OpenAI-compatible subset under {@code /api/v1} (so an OpenAI client works with {@code base_url =
 * http://host/api/v1} and the API token as its key): {@code POST /chat/completions} with text and
 * {@code image_url} parts whose URLs are {@code data:} URIs (the server fetches nothing), streamed or not, with
 * {@code n}, {@code stop}, {@code top_p}, the frequency and presence penalties and {@code logprobs}; and
 * {@code GET /models}, {@code GET /models/{id}}. A model's id is its name for the caller's own models and its
 * numeric id otherwise (an admin's view of other users' models), so every listed id names one model. Unlike
 * OpenAI, {@code temperature} defaults to 0 (greedy), which is what grounding answers want. Parameters that would
 * change the answer but are not implemented (tools, structured output, logit bias, audio) are refused, not
 * ignored. Errors are in OpenAI's shape ({@link OpenAiErrorHandler}).
 */
@RestController
class ChatCompletionsApiController {

	/** The most choices one request may ask for: they are generated as one batch. */
	static final int MAX_N = 8;

	static final int MAX_STOPS = 4;

	static final int MAX_TOP_LOGPROBS = 20;

	/** The request fields this endpoint reads; fields not listed are ignored, as OpenAI-compatible servers do. */
	record ChatRequest(@Nullable String model, @Nullable List<Message> messages,
			@JsonProperty("max_tokens") @Nullable Integer maxTokens,
			@JsonProperty("max_completion_tokens") @Nullable Integer maxCompletionTokens,
			@Nullable Double temperature, @JsonProperty("top_p") @Nullable Double topP, @Nullable Long seed,
			@Nullable Integer n, @Nullable Boolean stream,
			@JsonProperty("stream_options") @Nullable Map<String, Object> streamOptions, @Nullable Object stop,
			@JsonProperty("frequency_penalty") @Nullable Double frequencyPenalty,
			@JsonProperty("presence_penalty") @Nullable Double presencePenalty, @Nullable Boolean logprobs,
			@JsonProperty("top_logprobs") @Nullable Integer topLogprobs, @Nullable Object tools,
			@JsonProperty("tool_choice") @Nullable Object toolChoice, @Nullable Object functions,
			@JsonProperty("function_call") @Nullable Object functionCall,
			@JsonProperty("response_format") @Nullable Object responseFormat,
			@JsonProperty("logit_bias") @Nullable Map<String, Object> logitBias, @Nullable Object audio,
			@Nullable List<String> modalities, @Nullable Object prediction,
			@JsonProperty("web_search_options") @Nullable Object webSearchOptions) {
	}

	/** A message: {@code content} is a string or a list of {@code text} / {@code image_url} parts. */
	record Message(@Nullable String role, @Nullable Object content) {
	}

	@JsonInclude(JsonInclude.Include.ALWAYS)
	record Choice(int index, Map<String, String> message, @Nullable Map<String, Object> logprobs,
			@JsonProperty("finish_reason") String finishReason) {
	}

	record Usage(@JsonProperty("prompt_tokens") int promptTokens,
			@JsonProperty("completion_tokens") int completionTokens, @JsonProperty("total_tokens") int totalTokens) {

		static Usage of(int prompt, int completion) {
			return new Usage(prompt, completion, prompt + completion);
		}

	}

	record ChatCompletion(String id, String object, long created, String model, List<Choice> choices, Usage usage) {
	}

	record ModelEntry(String id, String object, long created, @JsonProperty("owned_by") String ownedBy) {
	}

	record ModelList(String object, List<ModelEntry> data) {
	}

	private final ModelCatalog catalog;

	private final DemoService demos;

	private final ChatCompletionStreams streams;

	ChatCompletionsApiController(ModelCatalog catalog, DemoService demos, ChatCompletionStreams streams) {
		this.catalog = catalog;
		this.demos = demos;
		this.streams = streams;
	}

	@GetMapping("/api/v1/models")
	ModelList models(@AuthenticationPrincipal CurrentUser user) {
		return new ModelList("list", catalog.list(user).stream().map((m) -> entry(user, m)).toList());
	}

	@GetMapping("/api/v1/models/{id}")
	ModelEntry modelEntry(@AuthenticationPrincipal CurrentUser user, @PathVariable String id) {
		return entry(user, model(user, id));
	}

	@PostMapping("/api/v1/chat/completions")
	ResponseEntity<?> complete(@AuthenticationPrincipal CurrentUser user, @RequestBody ChatRequest request) {
		refuseUnsupported(request);
		WorkerRequest.ChatOptions options = options(request);
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
		WorkerRequest work = WorkerRequest.chat(model.path(), turns, images,
				demos.maxNewTokens(requested, request.maxCompletionTokens() != null ? "max_completion_tokens" : "max_tokens"),
				DemoService.temperature(request.temperature()),
				request.seed() == null ? System.nanoTime() : request.seed(), options);
		String id = "chatcmpl-" + UUID.randomUUID();
		long created = Instant.now().getEpochSecond();
		String modelId = entry(user, model).id();
		if (options.stream()) {
			return streams.open(model, work, new ChatCompletionStreams.Header(id, created, modelId, options.n(),
					includeUsage(request.streamOptions())));
		}
		InferenceResult result = demos.run(model, work, "messages");
		List<Choice> choices = result.choices()
			.stream()
			.map((c) -> new Choice(c.index(), Map.of("role", "assistant", "content", c.text()),
					logprobs(c.logprobs()), c.finishReason()))
			.toList();
		return ResponseEntity.ok(new ChatCompletion(id, "chat.completion", created, modelId, choices,
				Usage.of(result.promptTokens(), result.generatedTokens())));
	}

	/** Parameters that would change the answer and are not implemented: refused, never silently ignored. */
	private static void refuseUnsupported(ChatRequest request) {
		boolean toolChoiceNone = request.toolChoice() == null || "none".equals(request.toolChoice());
		if (present(request.tools()) || !toolChoiceNone) {
			throw unsupported(present(request.tools()) ? "tools" : "tool_choice",
					"tools and tool_choice are not supported: the models answer in text only");
		}
		if (present(request.functions()) || request.functionCall() != null) {
			throw unsupported(present(request.functions()) ? "functions" : "function_call",
					"functions and function_call are not supported: the models answer in text only");
		}
		if (request.responseFormat() != null && !(request.responseFormat() instanceof Map<?, ?> format
				&& "text".equals(format.get("type")))) {
			throw unsupported("response_format", "only response_format {\"type\": \"text\"} is supported");
		}
		if (request.logitBias() != null && !request.logitBias().isEmpty()) {
			throw unsupported("logit_bias", "logit_bias is not supported");
		}
		if (request.audio() != null || (request.modalities() != null && !List.of("text").equals(request.modalities()))) {
			throw unsupported(request.audio() != null ? "audio" : "modalities", "only text output is supported");
		}
		if (request.prediction() != null) {
			throw unsupported("prediction", "predicted outputs are not supported");
		}
		if (request.webSearchOptions() != null) {
			throw unsupported("web_search_options", "web search is not supported: the server fetches nothing");
		}
	}

	/** The sampling and output options, checked. */
	private static WorkerRequest.ChatOptions options(ChatRequest request) {
		int n = request.n() == null ? 1 : request.n();
		if (n < 1 || n > MAX_N) {
			throw DemoService.invalid("n", "n must be between 1 and " + MAX_N);
		}
		double topP = request.topP() == null ? 1 : request.topP();
		if (!(topP >= 0 && topP <= 1)) {
			throw DemoService.invalid("top_p", "top_p must be between 0 and 1");
		}
		double frequency = penalty(request.frequencyPenalty(), "frequency_penalty");
		double presence = penalty(request.presencePenalty(), "presence_penalty");
		boolean stream = Boolean.TRUE.equals(request.stream());
		if (request.streamOptions() != null && !stream) {
			throw DemoService.invalid("stream_options", "stream_options is only allowed with stream: true");
		}
		int topLogprobs = -1;
		if (Boolean.TRUE.equals(request.logprobs())) {
			topLogprobs = request.topLogprobs() == null ? 0 : request.topLogprobs();
			if (topLogprobs < 0 || topLogprobs > MAX_TOP_LOGPROBS) {
				throw DemoService.invalid("top_logprobs", "top_logprobs must be between 0 and " + MAX_TOP_LOGPROBS);
			}
		}
		else if (request.topLogprobs() != null) {
			throw DemoService.invalid("top_logprobs", "top_logprobs needs logprobs: true");
		}
		// top_p 0 keeps only the most likely token, as OpenAI's does; the sampler needs a positive mass
		return new WorkerRequest.ChatOptions(n, Math.max(topP, Double.MIN_NORMAL), frequency, presence,
				stops(request.stop()), topLogprobs, stream);
	}

	private static double penalty(@Nullable Double value, String field) {
		double penalty = value == null ? 0 : value;
		if (!(penalty >= -2 && penalty <= 2)) {
			throw DemoService.invalid(field, field + " must be between -2 and 2");
		}
		return penalty;
	}

	/** {@code stop}: a string or up to four, none empty. */
	private static List<String> stops(@Nullable Object stop) {
		List<String> stops = new ArrayList<>();
		if (stop instanceof String s) {
			stops.add(s);
		}
		else if (stop instanceof List<?> list) {
			for (Object item : list) {
				if (!(item instanceof String s)) {
					throw DemoService.invalid("stop", "stop must be a string or a list of strings");
				}
				stops.add(s);
			}
		}
		else if (stop != null) {
			throw DemoService.invalid("stop", "stop must be a string or a list of strings");
		}
		if (stops.size() > MAX_STOPS) {
			throw DemoService.invalid("stop", "stop may hold at most " + MAX_STOPS + " strings");
		}
		if (stops.stream().anyMatch(String::isEmpty)) {
			throw DemoService.invalid("stop", "a stop string must not be empty");
		}
		return List.copyOf(stops);
	}

	private static boolean includeUsage(@Nullable Map<String, Object> streamOptions) {
		return streamOptions != null && Boolean.TRUE.equals(streamOptions.get("include_usage"));
	}

	private static @Nullable Map<String, Object> logprobs(@Nullable List<TokenLogprob> logprobs) {
		if (logprobs == null) {
			return null;
		}
		Map<String, Object> out = new LinkedHashMap<>();
		out.put("content", logprobs);
		out.put("refusal", null);
		return out;
	}

	private static ApiProblem unsupported(String field, String detail) {
		return DemoService.invalid(field, detail).with("code", "unsupported_parameter");
	}

	private static boolean present(@Nullable Object value) {
		return value != null && !(value instanceof List<?> list && list.isEmpty());
	}

	/** The id a client uses: the name of the caller's own model (unless it reads as a number), else the number. */
	private static ModelEntry entry(CurrentUser user, CatalogModel m) {
		boolean byName = m.ownerId() == user.id() && !m.name().strip().chars().allMatch(Character::isDigit);
		return new ModelEntry(byName ? m.name() : Long.toString(m.id()), "model", m.createdAt().getEpochSecond(),
				"user-" + m.ownerId());
	}

	/** The caller's model with this name, or any model it may use with this numeric id; else 404 model_not_found. */
	private CatalogModel model(CurrentUser user, @Nullable String name) {
		if (name == null || name.isBlank()) {
			throw DemoService.invalid("model", "model is required: the id of a model from GET /v1/models");
		}
		for (CatalogModel m : catalog.list(user)) {
			if (m.name().equals(name) && m.ownerId() == user.id()) {
				return m;
			}
		}
		String digits = name.strip();
		Optional<CatalogModel> byId = digits.chars().allMatch((c) -> c >= '0' && c <= '9') && digits.length() < 19
				? catalog.find(user, Long.parseLong(digits)) : Optional.empty();
		return byId.orElseThrow(() -> ApiProblem.notFound("Model " + name)
			.with("field", "model"));
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

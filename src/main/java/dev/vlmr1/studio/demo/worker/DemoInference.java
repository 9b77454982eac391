package dev.vlmr1.studio.demo.worker;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

import javax.imageio.ImageIO;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.jspecify.annotations.Nullable;

import dev.vlmr1.studio.model.ChatMessage;
import dev.vlmr1.studio.model.Generation;
import dev.vlmr1.studio.model.Generator;
import dev.vlmr1.studio.model.ModelInputs;
import dev.vlmr1.studio.model.QwenVlModel;
import dev.vlmr1.studio.model.SamplingParams;
import dev.vlmr1.studio.model.image.PreprocessorConfig;
import dev.vlmr1.studio.model.image.ProcessedImages;
import dev.vlmr1.studio.model.image.SmartResize;
import dev.vlmr1.studio.reward.SampleImage;

/**
 * Runs one request: decode the images, build the prompt with the checkpoint's chat template (a demo's VLM-R1 question,
 * or a whole conversation), generate (greedy, or sampled at the requested temperature) and read the completion. The
 * same steps as the model's {@code infer} command, plus the reward library's parsing.
 */
final class DemoInference {

	private final ModelCache cache;

	private final RequestBudget budget;

	DemoInference(ModelCache cache, RequestLimits limits) {
		this.cache = cache;
		this.budget = new RequestBudget(limits);
	}

	/** Thrown for a request the worker cannot serve because of its content (answered as bad input). */
	static final class BadInput extends RuntimeException {

		BadInput(String message, @Nullable Throwable cause) {
			super(message, cause);
		}

	}

	/** Thrown when the checkpoint cannot be loaded. */
	static final class UnusableModel extends RuntimeException {

		UnusableModel(String message, Throwable cause) {
			super(message, cause);
		}

	}

	/** What a streaming request is told, and asked, while it runs. */
	interface Progress extends ChoiceTracker.Progress {

		/** The request fits and generation begins. */
		void started(int promptTokens);

	}

	InferenceResult run(WorkerRequest request, long queuedNanos, Progress progress) {
		long start = System.nanoTime();
		if (progress.cancelled()) {
			throw new ChoiceTracker.Cancelled(0);
		}
		boolean chat = WorkerRequest.CHAT.equals(request.op());
		List<byte[]> files = new ArrayList<>();
		if (chat) {
			for (String image : request.images() == null ? List.<String>of() : request.images()) {
				files.add(base64(image));
			}
		}
		else {
			files.add(base64(require(request.image(), "image")));
		}
		List<ImageHeader> headers = new ArrayList<>();
		for (byte[] file : files) {
			headers.add(header(file));
		}
		budget.checkImages(headers);
		long loadStart = System.nanoTime();
		ModelCache.Lookup lookup;
		try {
			lookup = cache.get(Path.of(require(request.checkpoint(), "checkpoint")));
		}
		catch (RuntimeException ex) {
			throw new UnusableModel("cannot load the checkpoint: " + ex.getMessage(), ex);
		}
		long loadMs = lookup.hit() ? 0 : millis(System.nanoTime() - loadStart);
		LoadedModel loaded = lookup.model();
		QwenVlModel model = loaded.model();
		ProcessedImages processed;
		long[] prompt;
		List<BufferedImage> images = new ArrayList<>();
		try {
			// sizes and prompt first, from the headers: nothing is decoded until the request is known to fit
			PreprocessorConfig processor = loaded.processor().config();
			SmartResize[] sizes = RequestBudget.resized(headers, processor);
			int[] tokensPerImage = tokensPerImage(RequestBudget.patches(sizes, processor), processor.mergeSize());
			List<ChatMessage> messages = chat ? messages(request)
					: List.of(ChatMessage.user(question(request), tokensPerImage.length));
			prompt = loaded.template().prompt(messages, tokensPerImage);
			budget.checkPrompt(model.config(), processor, headers, sizes, prompt.length, request.maxNewTokens(),
					request.chatOptions().n(), cache.weightBytes());
			for (byte[] file : files) {
				images.add(decode(file));
			}
			processed = loaded.processor().process(images);
		}
		catch (IllegalArgumentException ex) {
			throw new BadInput(ex.getMessage() == null ? "the request cannot be turned into a prompt" : ex.getMessage(),
					ex);
		}
		long prepared = System.nanoTime();
		if (progress.cancelled()) {
			throw new ChoiceTracker.Cancelled(0);
		}
		progress.started(prompt.length);
		ChoiceTracker tracker = new ChoiceTracker(request.chatOptions(), (ids) -> loaded.tokenizer().decode(ids, true),
				(id) -> loaded.tokenizer().decode(new long[] { id }, false), progress);
		Generation generation = generate(loaded, prompt, processed, request, tracker);
		long generated = System.nanoTime();

		List<InferenceResult.Choice> choices = chat ? tracker.finish(generation, model.config().eosTokenIds())
				: List.of();
		String completion = chat ? choices.get(0).text() : generation.texts().get(0);
		long[] tokens = generation.tokenIds().get(0);
		boolean stopped = chat ? "stop".equals(choices.get(0).finishReason())
				: tokens.length > 0 && model.config().eosTokenIds().contains(tokens[tokens.length - 1]);
		int generatedTokens = generation.tokenIds().stream().mapToInt((ids) -> ids.length).sum();
		SampleImage frame = images.isEmpty() ? null : frame(images.get(0), processed.gridThw()[0]);
		CompletionReader.Reading reading = (request.task() != null && frame != null)
				? CompletionReader.read(request.task(), completion, frame, request.rescale()) : CompletionReader.plain(completion);
		InferenceResult.ImageFrame imageFrame = frame == null ? null
				: new InferenceResult.ImageFrame(frame.width(), frame.height(), frame.inputWidth(), frame.inputHeight());
		InferenceResult.Timing timing = new InferenceResult.Timing(millis(start - queuedNanos), loadMs,
				millis(prepared - start) - loadMs, millis(generated - prepared));
		return new InferenceResult(completion, reading.thinking(), reading.answer(), reading.box(), reading.rawBox(),
				reading.detections(), reading.problems(), imageFrame, prompt.length, generatedTokens, stopped, timing,
				ProcessHandle.current().pid(), lookup.hit(), choices);
	}

	/** Generates the request's choices as one batch: the prompt and its images once per choice. */
	private static Generation generate(LoadedModel loaded, long[] prompt, ProcessedImages processed,
			WorkerRequest request, ChoiceTracker tracker) {
		QwenVlModel model = loaded.model();
		WorkerRequest.ChatOptions options = request.chatOptions();
		SamplingParams params = SamplingParams.greedy(request.maxNewTokens(), model.config())
			.withPenalties(options.frequencyPenalty(), options.presencePenalty());
		if (request.temperature() > 0) {
			params = params.withSampling(request.temperature(), 0, options.topP(), request.seed());
		}
		int n = options.n();
		try (NDManager manager = model.manager().newSubManager()) {
			ModelInputs inputs = ModelInputs.of(manager.create(repeat(prompt, n), new Shape(n, prompt.length)));
			if (processed.gridThw().length > 0) {
				long[] shape = processed.shape();
				long[][] grids = new long[processed.gridThw().length * n][];
				for (int i = 0; i < grids.length; i++) {
					grids[i] = processed.gridThw()[i % processed.gridThw().length];
				}
				inputs = inputs.withImages(
						manager.create(repeat(processed.pixelValues(), n), new Shape(shape[0] * n, shape[1])), grids);
			}
			return new Generator(model, (ids) -> loaded.tokenizer().decode(ids, true)).generate(inputs, params,
					tracker);
		}
	}

	private static long[] repeat(long[] values, int times) {
		long[] out = new long[values.length * times];
		for (int i = 0; i < times; i++) {
			System.arraycopy(values, 0, out, i * values.length, values.length);
		}
		return out;
	}

	private static float[] repeat(float[] values, int times) {
		float[] out = new float[values.length * times];
		for (int i = 0; i < times; i++) {
			System.arraycopy(values, 0, out, i * values.length, values.length);
		}
		return out;
	}

	private static String question(WorkerRequest request) {
		return PromptTemplates.question(require(request.task(), "task"),
				request.expression() == null ? "" : request.expression(),
				request.labels() == null ? List.of() : request.labels());
	}

	private static List<ChatMessage> messages(WorkerRequest request) {
		List<ChatMessage> messages = new ArrayList<>();
		for (WorkerRequest.ChatTurn turn : require(request.messages(), "messages")) {
			ChatMessage.Role role = switch (turn.role().toLowerCase(Locale.ROOT)) {
				case "system" -> ChatMessage.Role.SYSTEM;
				case "user" -> ChatMessage.Role.USER;
				case "assistant" -> ChatMessage.Role.ASSISTANT;
				default -> throw new BadInput("unsupported message role '" + turn.role() + "'", null);
			};
			messages.add(new ChatMessage(role, turn.text(), turn.imageCount()));
		}
		if (messages.isEmpty()) {
			throw new BadInput("the conversation has no messages", null);
		}
		return messages;
	}

	private static SampleImage frame(BufferedImage image, long[] grid) {
		return new SampleImage(image.getWidth(), image.getHeight(), (int) grid[0], (int) grid[1], (int) grid[2]);
	}

	private static byte[] base64(String base64) {
		try {
			return Base64.getDecoder().decode(base64);
		}
		catch (IllegalArgumentException ex) {
			throw new BadInput("the image is not valid base64", ex);
		}
	}

	private static ImageHeader header(byte[] file) {
		try {
			return ImageHeader.read(file);
		}
		catch (IllegalArgumentException ex) {
			throw new BadInput(ex.getMessage() == null ? "unreadable image" : ex.getMessage(), ex);
		}
	}

	/** Decodes an image whose header was checked against the limits. */
	private static BufferedImage decode(byte[] bytes) {
		try {
			BufferedImage image = ImageIO.read(new ByteArrayInputStream(bytes));
			if (image == null) {
				throw new IllegalArgumentException("not an image (PNG, JPEG, GIF or BMP expected)");
			}
			return image;
		}
		catch (IOException ex) {
			throw new BadInput(ex.getMessage() == null ? "unreadable image" : ex.getMessage(), ex);
		}
	}

	/** Image pad tokens per image: its patches over merge². */
	private static int[] tokensPerImage(long[] patches, int mergeSize) {
		int[] tokens = new int[patches.length];
		for (int i = 0; i < patches.length; i++) {
			tokens[i] = Math.toIntExact(patches[i] / ((long) mergeSize * mergeSize));
		}
		return tokens;
	}

	private static <T> T require(@Nullable T value, String what) {
		if (value == null) {
			throw new BadInput("the request has no " + what, null);
		}
		return value;
	}

	private static long millis(long nanos) {
		return nanos / 1_000_000;
	}

}

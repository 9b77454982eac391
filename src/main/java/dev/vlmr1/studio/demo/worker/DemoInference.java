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

	InferenceResult run(WorkerRequest request, long queuedNanos) {
		long start = System.nanoTime();
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
					cache.weightBytes());
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
		Generation generation = generate(loaded, prompt, processed, request);
		long generated = System.nanoTime();

		String completion = generation.texts().get(0);
		long[] tokens = generation.tokenIds().get(0);
		boolean stopped = tokens.length > 0 && model.config().eosTokenIds().contains(tokens[tokens.length - 1]);
		SampleImage frame = images.isEmpty() ? null : frame(images.get(0), processed.gridThw()[0]);
		CompletionReader.Reading reading = (request.task() != null && frame != null)
				? CompletionReader.read(request.task(), completion, frame, request.rescale()) : CompletionReader.plain(completion);
		InferenceResult.ImageFrame imageFrame = frame == null ? null
				: new InferenceResult.ImageFrame(frame.width(), frame.height(), frame.inputWidth(), frame.inputHeight());
		InferenceResult.Timing timing = new InferenceResult.Timing(millis(start - queuedNanos), loadMs,
				millis(prepared - start) - loadMs, millis(generated - prepared));
		return new InferenceResult(completion, reading.thinking(), reading.answer(), reading.box(), reading.rawBox(),
				reading.detections(), reading.problems(), imageFrame, prompt.length, tokens.length, stopped, timing,
				ProcessHandle.current().pid(), lookup.hit());
	}

	private static Generation generate(LoadedModel loaded, long[] prompt, ProcessedImages processed,
			WorkerRequest request) {
		QwenVlModel model = loaded.model();
		SamplingParams params = SamplingParams.greedy(request.maxNewTokens(), model.config());
		if (request.temperature() > 0) {
			params = params.withSampling(request.temperature(), 0, 1.0, request.seed());
		}
		try (NDManager manager = model.manager().newSubManager()) {
			ModelInputs inputs = ModelInputs.of(manager.create(prompt, new Shape(1, prompt.length)));
			if (processed.gridThw().length > 0) {
				inputs = inputs.withImages(manager.create(processed.pixelValues(), new Shape(processed.shape())),
						processed.gridThw());
			}
			return new Generator(model, (ids) -> loaded.tokenizer().decode(ids, true)).generate(inputs, params);
		}
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

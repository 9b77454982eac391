package dev.vlmr1.studio.demo.worker;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;

import javax.imageio.ImageIO;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import dev.vlmr1.studio.model.Generation;
import dev.vlmr1.studio.model.Generator;
import dev.vlmr1.studio.model.ModelInputs;
import dev.vlmr1.studio.model.QwenVlModel;
import dev.vlmr1.studio.model.SamplingParams;
import dev.vlmr1.studio.model.image.ProcessedImages;
import dev.vlmr1.studio.reward.SampleImage;

/**
 * Runs one demo request: decode the image, build the VLM-R1 prompt with the checkpoint's chat template, generate
 * (greedy, or sampled at the requested temperature) and read the completion. The same steps as the model's
 * {@code infer} command, plus the reward library's parsing.
 */
final class DemoInference {

	private final ModelCache cache;

	private final long maxImagePixels;

	DemoInference(ModelCache cache, long maxImagePixels) {
		this.cache = cache;
		this.maxImagePixels = maxImagePixels;
	}

	/** Thrown for a request the worker cannot serve because of its content (answered as bad input). */
	static final class BadInput extends RuntimeException {

		BadInput(String message, Throwable cause) {
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
		BufferedImage image = decode(require(request.image(), "image"));
		DemoTask task = require(request.task(), "task");
		String question = PromptTemplates.question(task, request.expression() == null ? "" : request.expression(),
				request.labels() == null ? List.of() : request.labels());
		long loadStart = System.nanoTime();
		ModelCache.Lookup lookup;
		try {
			lookup = cache.get(Path.of(require(request.checkpoint(), "checkpoint")));
		}
		catch (RuntimeException ex) {
			throw new UnusableModel("cannot load the checkpoint: " + ex.getMessage(), ex);
		}
		long loaded = System.nanoTime();
		LoadedModel loadedModel = lookup.model();
		QwenVlModel model = loadedModel.model();
		ProcessedImages processed;
		try {
			processed = loadedModel.processor().process(List.of(image));
		}
		catch (IllegalArgumentException ex) {
			throw new BadInput("the image cannot be processed: " + ex.getMessage(), ex);
		}
		long[] prompt = loadedModel.template().userPrompt(question, processed);
		long prepared = System.nanoTime();
		SamplingParams params = SamplingParams.greedy(request.maxNewTokens(), model.config());
		if (request.temperature() > 0) {
			params = params.withSampling(request.temperature(), 0, 1.0, request.seed());
		}
		Generation generation;
		try (NDManager manager = model.manager().newSubManager()) {
			ModelInputs inputs = ModelInputs.of(manager.create(prompt, new Shape(1, prompt.length)))
				.withImages(manager.create(processed.pixelValues(), new Shape(processed.shape())), processed.gridThw());
			generation = new Generator(model, (ids) -> loadedModel.tokenizer().decode(ids, true)).generate(inputs,
					params);
		}
		long generated = System.nanoTime();
		long[] grid = processed.gridThw()[0];
		SampleImage frame = new SampleImage(image.getWidth(), image.getHeight(), (int) grid[0], (int) grid[1],
				(int) grid[2]);
		String completion = generation.texts().get(0);
		CompletionReader.Reading reading = CompletionReader.read(task, completion, frame);
		return new InferenceResult(completion, reading.thinking(), reading.answer(), reading.box(), reading.rawBox(),
				reading.detections(), reading.problems(),
				new InferenceResult.ImageFrame(image.getWidth(), image.getHeight(), frame.inputWidth(),
						frame.inputHeight()),
				prompt.length, generation.tokenIds().get(0).length,
				new InferenceResult.Timing(millis(start - queuedNanos), lookup.hit() ? 0 : millis(loaded - loadStart),
						millis(prepared - start) - millis(loaded - loadStart), millis(generated - prepared)),
				ProcessHandle.current().pid(), lookup.hit());
	}

	/** Decodes the image, refusing more pixels than the limit before decoding them. */
	private BufferedImage decode(String base64) {
		byte[] bytes;
		try {
			bytes = Base64.getDecoder().decode(base64);
		}
		catch (IllegalArgumentException ex) {
			throw new BadInput("the image is not valid base64", ex);
		}
		try {
			ImageHeader.read(bytes).requireAtMost(maxImagePixels);
			BufferedImage image = ImageIO.read(new ByteArrayInputStream(bytes));
			if (image == null) {
				throw new IllegalArgumentException("not an image (PNG, JPEG, GIF or BMP expected)");
			}
			return image;
		}
		catch (IOException | IllegalArgumentException ex) {
			throw new BadInput(ex.getMessage() == null ? "unreadable image" : ex.getMessage(), ex);
		}
	}

	private static <T> T require(T value, String what) {
		if (value == null) {
			throw new BadInput("the request has no " + what, new NullPointerException(what));
		}
		return value;
	}

	private static long millis(long nanos) {
		return nanos / 1_000_000;
	}

}

package dev.vlmr1.studio.demo;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

import javax.imageio.ImageIO;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.springframework.util.unit.DataSize;

import dev.vlmr1.studio.demo.worker.DemoTask;
import dev.vlmr1.studio.demo.worker.PromptTemplates;
import dev.vlmr1.studio.demo.worker.WorkerRequest;
import dev.vlmr1.studio.demo.worker.WorkerResponse;
import dev.vlmr1.studio.model.ChatTemplate;
import dev.vlmr1.studio.model.Generator;
import dev.vlmr1.studio.model.ModelInputs;
import dev.vlmr1.studio.model.QwenVlModel;
import dev.vlmr1.studio.model.SamplingParams;
import dev.vlmr1.studio.model.image.ImageProcessor;
import dev.vlmr1.studio.model.image.ProcessedImages;
import dev.vlmr1.studio.model.tokenizer.QwenTokenizer;

/**
 * What the process boundary costs: a REC request through the inference worker (JSON line, base64 image, the
 * worker's decode/process/generate/parse) against the same request done in this JVM with the model library,
 * interleaved, on the tiny fixture checkpoint. Prints the mean of each and their ratio (worker ÷ in-process); the
 * bound is the in-process time measured in the same run.
 *
 * <p>Run from the project root after {@code mvn test-compile} and
 * {@code mvn dependency:build-classpath -Dmdep.outputFile=target/cp.txt}:
 * {@code java -cp target/test-classes:target/classes:$(cat target/cp.txt) dev.vlmr1.studio.demo.InferenceWorkerBenchmark [rounds]}
 */
public final class InferenceWorkerBenchmark {

	private InferenceWorkerBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
		int newTokens = 16;
		Path dir = Path.of("src/test/resources/fixtures/qwen2_5_vl_tiny").toAbsolutePath();
		Path imageFile = Path.of("src/test/resources/fixtures/images/d_640x480.png");
		byte[] imageBytes = Files.readAllBytes(imageFile);
		String expression = "the red circle";
		DemoProperties properties = new DemoProperties(2, 4, "1g", 0, "", Duration.ofMinutes(2), Duration.ofMinutes(5),
				DataSize.ofMegabytes(20), 50_000_000, newTokens, 2048, 8192, 262144, 8, 100_000_000, 256,
				DataSize.ofMegabytes(64), DataSize.ofGigabytes(8), DataSize.ofGigabytes(4), "auto");
		WorkerRequest request = WorkerRequest.infer(DemoTask.REC, dir.toString(),
				Base64.getEncoder().encodeToString(imageBytes), expression, List.of(), newTokens, 0, 0, true);

		long startNanos = System.nanoTime();
		try (WorkerProcess worker = WorkerProcess
			.start(WorkerLaunchCommand.of(properties, System.getProperty("java.class.path")), Duration.ofMinutes(2));
				QwenVlModel model = QwenVlModel.load(dir);
				QwenTokenizer tokenizer = QwenTokenizer.load(dir)) {
			double startSeconds = (System.nanoTime() - startNanos) / 1e9;
			ImageProcessor processor = ImageProcessor.fromCheckpoint(dir);
			ChatTemplate template = new ChatTemplate(tokenizer);
			String workerText = null;
			String directText = null;
			long workerNanos = 0;
			long directNanos = 0;
			for (int round = -3; round < rounds; round++) {
				long t0 = System.nanoTime();
				WorkerResponse response = WorkerProcess.await(worker.send(request), Duration.ofMinutes(5));
				long t1 = System.nanoTime();
				BufferedImage image = ImageIO.read(new java.io.ByteArrayInputStream(imageBytes));
				ProcessedImages processed = processor.process(List.of(image));
				long[] prompt = template.userPrompt(PromptTemplates.rec(expression), processed);
				try (NDManager manager = model.manager().newSubManager()) {
					ModelInputs inputs = ModelInputs.of(manager.create(prompt, new Shape(1, prompt.length)))
						.withImages(manager.create(processed.pixelValues(), new Shape(processed.shape())),
								processed.gridThw());
					directText = new Generator(model, (ids) -> tokenizer.decode(ids, true))
						.generate(inputs, SamplingParams.greedy(newTokens, model.config()))
						.texts()
						.get(0);
				}
				long t2 = System.nanoTime();
				workerText = response.result().completion();
				if (round >= 0) { // the first rounds warm up both JITs and load the worker's model
					workerNanos += t1 - t0;
					directNanos += t2 - t1;
				}
			}
			double workerMs = workerNanos / 1e6 / rounds;
			double directMs = directNanos / 1e6 / rounds;
			System.out.printf("worker start (JVM + libtorch): %.2f s%n", startSeconds);
			System.out.printf("REC request, 640x480 image, %d new tokens, %d rounds%n", newTokens, rounds);
			System.out.printf("  through the worker: %.1f ms   in-process: %.1f ms   ratio worker/in-process: %.3f%n",
					workerMs, directMs, workerMs / directMs);
			System.out.println("  same text: " + directText.equals(workerText));
		}
	}

}
